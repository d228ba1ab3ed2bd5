import { describe } from 'vitest';
import { redisUrl } from './support/cli.js';
import { jobControlScenarios } from './support/job-control-scenarios.js';
import { REDIS, useCliStore } from './support/shared-stores.js';

// Each case runs the binary a dozen times or more; give a busy machine room.
describe.skipIf(!redisUrl)('job control through the built binary on Redis', { timeout: 120_000 }, () => {
  jobControlScenarios(useCliStore(REDIS, 'control'));
});
