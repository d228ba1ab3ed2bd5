import { afterAll, describe } from 'vitest';
import { deletePrefix, type RunningWorker, redisUrl, uniquePrefix } from './support/cli.js';
import { heartbeatScenario } from './support/worker-scenarios.js';

describe.skipIf(!redisUrl)('taskharbor on Redis: heartbeats keep a long job', () => {
  const prefix = uniquePrefix('heartbeat');
  const workers: RunningWorker[] = [];

  afterAll(async () => {
    for (const worker of workers) await worker.stop('SIGKILL');
    await deletePrefix(prefix);
  });

  heartbeatScenario(() => ['--driver', 'redis', '--prefix', prefix], (worker) => {
    workers.push(worker);
    return worker;
  });
});
