import { afterAll, describe } from 'vitest';
import { deletePrefix, type RunningWorker, redisUrl, uniquePrefix } from './support/cli.js';
import { workerControlScenario } from './support/worker-scenarios.js';

describe.skipIf(!redisUrl)('taskharbor on Redis: worker run obeys job cancel and queue pause from another process', { timeout: 120_000 }, () => {
  const prefix = uniquePrefix('worker-control');
  const workers: RunningWorker[] = [];

  afterAll(async () => {
    for (const worker of workers) await worker.stop('SIGKILL');
    await deletePrefix(prefix);
  });

  workerControlScenario(() => ['--driver', 'redis', '--prefix', prefix], (worker) => {
    workers.push(worker);
    return worker;
  });
});
