import { Client, JobCancelledError, RetryPolicy } from '@taskharbor/core';
import { Worker } from '@taskharbor/worker';
import { describe, expect, it } from 'vitest';
import { SKIP_POSTGRES, uniqueQueue, usePostgresFile } from './support/postgres-env.js';

type Jobs = {
  tick: Record<string, never>;
  slow: Record<string, never>;
  work: { n: number };
  flaky: Record<string, never>;
  doomed: Record<string, never>;
};

describe.skipIf(SKIP_POSTGRES)('the worker on PostgreSQL', () => {
  const file = usePostgresFile('worker_e2e');

  it('two_workers_run_every_job_once_retry_a_flaky_one_and_dead_letter_a_doomed_one', async () => {
    const producer = await file.driver();
    const queues = [uniqueQueue(), uniqueQueue()];
    const client = new Client<Jobs>(producer);
    const runs = new Map<number, number>();
    let flakyRuns = 0;
    const workers = await Promise.all(
      [0, 1].map(async () => {
        const worker = new Worker<Jobs>(await file.driver(), {
          queues,
          concurrency: 16,
          retryPolicy: RetryPolicy.fixed(20),
          keepAlive: false,
        });
        worker.register('work', async (job) => {
          runs.set(job.payload.n, (runs.get(job.payload.n) ?? 0) + 1);
        });
        worker.register('flaky', async () => {
          flakyRuns++;
          if (flakyRuns === 1) throw new Error('first run fails');
        });
        worker.register('doomed', async () => {
          throw new Error('always fails');
        });
        await worker.start();
        return worker;
      }),
    );
    try {
      const perQueue = 150;
      for (const [q, queue] of queues.entries()) {
        const entries = Array.from({ length: perQueue }, (_, i) => ({
          type: 'work' as const,
          payload: { n: q * perQueue + i },
          options: { queue },
        }));
        await client.enqueueMany(entries);
      }
      const flaky = await client.enqueue('flaky', {}, { queue: queues[0] });
      const doomed = await client.enqueue('doomed', {}, { queue: queues[1], maxAttempts: 2 });
      const flakyDone = await client.waitFor({ queue: queues[0] as string, id: flaky.id }, { timeoutMs: 20_000 });
      const doomedDone = await client.waitFor({ queue: queues[1] as string, id: doomed.id }, { timeoutMs: 20_000 });
      expect(flakyDone).toMatchObject({ status: 'done', attempts: 1 });
      expect(doomedDone).toMatchObject({ status: 'dlq', attempts: 2 });
      await expect.poll(() => runs.size, { timeout: 20_000 }).toBe(2 * perQueue);
      expect([...runs.values()].every((count) => count === 1)).toBe(true);
      for (const queue of queues) {
        await expect.poll(async () => (await producer.counts(queue)).inflight, { timeout: 5000 }).toBe(0);
        expect(await producer.counts(queue)).toMatchObject({ ready: 0, scheduled: 0 });
      }
    } finally {
      await Promise.all(workers.map((worker) => worker.close()));
    }
  });

  it('a_cancel_from_another_process_aborts_the_running_handler_through_the_push_channel', async () => {
    const operator = await file.driver();
    const queue = uniqueQueue();
    const client = new Client<Jobs>(operator);
    let aborted: unknown;
    let started: () => void = () => {};
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    // A long lease and heartbeat, so only the push can reach the handler within the test.
    const worker = new Worker<Jobs>(await file.driver(), { queues: [queue], concurrency: 1, keepAlive: false, leaseMs: 600_000 });
    worker.register('slow', async (_job, ctx) => {
      started();
      await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
      aborted = ctx.signal.reason;
    });
    await worker.start();
    try {
      const { id } = await client.enqueue('slow', {}, { queue });
      await running;
      expect(await operator.cancel({ queue, id }, { reason: 'not needed', now: Date.now() })).toEqual({ status: 'cancelling' });
      const record = await client.waitFor({ queue, id }, { timeoutMs: 20_000 });
      expect(record).toMatchObject({ status: 'cancelled', cancelReason: 'not needed' });
      expect(aborted).toBeInstanceOf(JobCancelledError);
    } finally {
      await worker.close();
    }
  });

  it('two_workers_on_their_own_connections_run_each_tick_of_a_schedule_exactly_once', async () => {
    const queue = uniqueQueue();
    const name = `e2e-${queue}`;
    const producer = await file.driver();
    const client = new Client<Jobs>(producer);
    const ticks: number[] = [];
    const workers = await Promise.all(
      [0, 1].map(async () => {
        const worker = new Worker<Jobs>(await file.driver(), { queues: [queue], concurrency: 4, keepAlive: false });
        worker.register('tick', async (job) => {
          ticks.push(job.scheduledFor as number);
        });
        await worker.start();
        return worker;
      }),
    );
    try {
      // Every 200 ms, ten occurrences; catch-up `all`, so a tick a loaded machine picks up late still runs.
      await client.schedule(name, { everyMs: 200, limit: 10, catchUp: 'all', type: 'tick', queue });
      await expect.poll(() => ticks.length, { timeout: 20_000 }).toBe(10);
      const sorted = [...ticks].sort((a, b) => a - b);
      expect(new Set(ticks).size).toBe(10);
      expect(sorted.every((tick) => tick % 200 === 0)).toBe(true);
      expect(await producer.getSchedule(name)).toMatchObject({ runs: 10, lastRunAt: sorted[9] });
      expect(await producer.counts(queue)).toMatchObject({ ready: 0, scheduled: 0 });
    } finally {
      await Promise.all(workers.map((worker) => worker.close()));
    }
    expect(ticks).toHaveLength(10);
  });
});
