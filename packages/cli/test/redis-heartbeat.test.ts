import { describe } from 'vitest';
import { redisUrl } from './support/cli.js';
import { REDIS, useWorkerNamespaces } from './support/shared-stores.js';
import { heartbeatScenario } from './support/worker-scenarios.js';

describe.skipIf(!redisUrl)('taskharbor on Redis: heartbeats keep a long job', () => {
  const { flagsFor, track } = useWorkerNamespaces(REDIS);
  heartbeatScenario(flagsFor('heartbeat'), track);
});
