import { Client, type Driver, RetryPolicy, type StatusCounts } from '@taskharbor/core';
import { Worker } from '@taskharbor/worker';
import type { RedisDriver } from '../../src/index.js';

type Jobs = {
  work: { n: number };
  flaky: { n: number };
  doomed: Record<string, never>;
};

export interface WorkerRunResult {
  /** How often each `work` job ran, by n. */
  runs: Map<number, number>;
  flakyAttempts: number;
  deadReasons: string[];
  counts: Map<string, StatusCounts>;
  elapsedMs: number;
}

/**
 * Runs @taskharbor/worker against the driver in real time: `perQueue` jobs
 * in each queue, one job that fails once and then succeeds, one that always
 * fails (dead-lettered after 2 runs) and one scheduled 200 ms ahead. Resolves
 * when every job finished, or rejects after `timeoutMs`.
 */
export async function runWorkerScenario(
  driver: RedisDriver,
  queues: readonly string[],
  perQueue: number,
  timeoutMs = 20_000,
): Promise<WorkerRunResult> {
  const client = new Client<Jobs>(driver as Driver);
  const started = Date.now();
  const runs = new Map<number, number>();
  let flakyAttempts = 0;
  const deadReasons: string[] = [];
  const total = queues.length * perQueue + 2;
  let completed = 0;
  let settle: (() => void) | undefined;
  const finished = new Promise<void>((resolve) => {
    settle = resolve;
  });
  const check = () => {
    if (completed === total && deadReasons.length === 1) settle?.();
  };

  const worker = new Worker<Jobs>(driver, {
    queues: [...queues],
    concurrency: 16,
    retryPolicy: RetryPolicy.fixed(20),
    keepAlive: false,
  });
  worker.register('work', async (job) => {
    runs.set(job.payload.n, (runs.get(job.payload.n) ?? 0) + 1);
  });
  worker.register('flaky', async () => {
    flakyAttempts++;
    if (flakyAttempts === 1) throw new Error('first run fails');
  });
  worker.register('doomed', async () => {
    throw new Error('always fails');
  });
  worker.on('completed', () => {
    completed++;
    check();
  });
  worker.on('dead', ({ reason }) => {
    deadReasons.push(reason);
    check();
  });
  await worker.start();

  const [first] = queues as [string];
  let n = 0;
  for (const queue of queues) {
    await client.enqueueMany(Array.from({ length: perQueue }, () => ({ type: 'work' as const, payload: { n: n++ }, options: { queue } })));
  }
  await client.enqueue('flaky', { n: -1 }, { queue: first, maxAttempts: 3 });
  await client.enqueue('doomed', {}, { queue: first, maxAttempts: 2 });
  await client.enqueue('work', { n: n++ }, { queue: first, delayMs: 200 });

  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      finished,
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`worker run not finished after ${timeoutMs} ms: ${completed}/${total} completed, ${deadReasons.length} dead`)),
          timeoutMs,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
    await worker.close();
  }
  const counts = new Map<string, StatusCounts>();
  for (const queue of queues) counts.set(queue, await driver.counts(queue));
  return { runs, flakyAttempts, deadReasons, counts, elapsedMs: Date.now() - started };
}
