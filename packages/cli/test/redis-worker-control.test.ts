import { describe } from 'vitest';
import { redisUrl } from './support/cli.js';
import { REDIS, useWorkerNamespaces } from './support/shared-stores.js';
import { workerControlScenario } from './support/worker-scenarios.js';

describe.skipIf(!redisUrl)('taskharbor on Redis: worker run obeys job cancel and queue pause from another process', { timeout: 120_000 }, () => {
  const { flagsFor, track } = useWorkerNamespaces(REDIS);
  workerControlScenario(flagsFor('worker-control'), track);
});
