import { afterAll, describe } from 'vitest';
import { deletePrefix, type RunningWorker, redisUrl, uniquePrefix } from './support/cli.js';
import { dlqScenario } from './support/worker-scenarios.js';

describe.skipIf(!redisUrl)('taskharbor on Redis: a failing job reaches the DLQ through worker run and comes back', () => {
  const prefix = uniquePrefix('dlq');
  const workers: RunningWorker[] = [];

  afterAll(async () => {
    for (const worker of workers) await worker.stop('SIGKILL');
    await deletePrefix(prefix);
  });

  dlqScenario(() => ['--driver', 'redis', '--prefix', prefix], (worker) => {
    workers.push(worker);
    return worker;
  });
});
