import { describe } from 'vitest';
import { redisUrl } from './support/cli.js';
import { REDIS, useWorkerNamespaces } from './support/shared-stores.js';
import { dlqScenario } from './support/worker-scenarios.js';

describe.skipIf(!redisUrl)('taskharbor on Redis: a failing job reaches the DLQ through worker run and comes back', () => {
  const { flagsFor, track } = useWorkerNamespaces(REDIS);
  dlqScenario(flagsFor('dlq'), track);
});
