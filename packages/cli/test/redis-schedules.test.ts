import { describe } from 'vitest';
import { redisUrl } from './support/cli.js';
import { scheduleScenarios } from './support/schedule-scenarios.js';
import { REDIS, useCliStore } from './support/shared-stores.js';

// Each case runs the binary several times; give a busy machine room.
describe.skipIf(!redisUrl)('schedule commands through the built binary on Redis', { timeout: 120_000 }, () => {
  scheduleScenarios(useCliStore(REDIS, 'schedules'));
});
