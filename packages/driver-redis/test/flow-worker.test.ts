import { Client, RateLimitedError } from '@taskharbor/core';
import { Worker } from '@taskharbor/worker';
import { describe, expect, it } from 'vitest';
import { SKIP_REDIS, uniqueQueue, useRedisFile } from './support/redis-env.js';

/** A Worker on Redis with flow control: snooze and RateLimitedError reach the driver's snooze and holdBack. */
describe.skipIf(SKIP_REDIS)('worker with flow control (Redis)', () => {
  const redis = useRedisFile('flow-worker');

  it('snoozed_and_rate_limited_runs_come_back_without_a_failure_in_turn_and_within_the_limits', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    await driver.setGroupLimits(queue, { concurrency: 1 });
    const client = new Client(driver);
    const worker = new Worker(driver, { queues: [queue], concurrency: 8, keepAlive: false });
    const running = new Map<string, number>();
    const limited = new Set<string>();
    let overLimit = 0;
    let completed = 0;
    const total = 12;
    const done = new Promise<void>((resolve) => {
      worker.on('completed', () => {
        completed++;
        if (completed === total) resolve();
      });
    });
    worker.register('sync', async (job, ctx) => {
      const group = job.group as string;
      running.set(group, (running.get(group) ?? 0) + 1);
      if ((running.get(group) ?? 0) > 1) overLimit++;
      try {
        await new Promise((resolve) => setImmediate(resolve));
        if (job.snoozes === 0 && (job.payload as { n: number }).n % 3 === 0) ctx.snooze(1);
        if ((job.payload as { n: number }).n === 4 && !limited.has(job.id)) {
          limited.add(job.id);
          throw new RateLimitedError(1);
        }
      } finally {
        running.set(group, (running.get(group) ?? 0) - 1);
      }
    });
    const ids: string[] = [];
    for (let n = 0; n < total; n++) {
      ids.push((await client.enqueue('sync', { n }, { queue, group: `tenant-${n % 3}`, priority: n % 2 })).id);
    }
    await worker.start();
    await done;
    await worker.close();

    expect(overLimit).toBe(0);
    expect(limited.size).toBe(1);
    const records = await Promise.all(ids.map((id) => driver.inspect({ queue, id })));
    records.forEach((record, n) => {
      expect(record).toMatchObject({ status: 'done', attempts: 0, group: `tenant-${n % 3}` });
      expect(record?.snoozes ?? 0).toBe(n % 3 === 0 ? 1 : 0);
    });
    expect((await driver.groupState(queue, 'tenant-1')).heldUntil).toBeGreaterThan(0);
    expect(await driver.counts(queue)).toMatchObject({ ready: 0, scheduled: 0, inflight: 0, done: total });
    for (let g = 0; g < 3; g++) expect((await driver.groupState(queue, `tenant-${g}`)).inflight).toBe(0);
  });
});
