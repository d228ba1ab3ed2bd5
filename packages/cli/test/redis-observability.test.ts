import { describe } from 'vitest';
import { redisUrl } from './support/cli.js';
import { observabilityScenarios } from './support/observability-scenarios.js';
import { REDIS, useCliStore } from './support/shared-stores.js';

// Each case runs the binary several times; give a busy machine room.
describe.skipIf(!redisUrl)('observability commands through the built binary on Redis', { timeout: 120_000 }, () => {
  observabilityScenarios(useCliStore(REDIS, 'observability'));
});
