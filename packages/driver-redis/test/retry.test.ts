import { describe, expect, it } from 'vitest';
import { newJob, SKIP_REDIS, T0, uniqueQueue, useRedisFile } from './support/redis-env.js';

describe.skipIf(SKIP_REDIS)('retry (Redis)', () => {
  const redis = useRedisFile('retry');

  it('retry_with_a_future_run_at_moves_the_job_back_to_scheduled', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    const job = newJob(queue);
    await driver.enqueue(job, T0);
    const { lease } = (await driver.reserve({ queue, limit: 1, leaseMs: 1000, now: T0 })).jobs[0]!;
    await driver.retry(lease, { attempts: 1, lastError: 'boom', failedAt: T0 + 5, runAt: T0 + 3000 }, T0 + 10);
    const record = await driver.inspect({ queue, id: job.id });
    expect(record).toMatchObject({ status: 'scheduled', attempts: 1, lastError: 'boom', failedAt: T0 + 5, runAt: T0 + 3000 });
    expect(record?.lease).toBeUndefined();
    expect(await redis.raw.zscore(`${redis.prefix}:{${queue}}:scheduled`, job.id)).toBe(String(T0 + 3000));
    expect(await driver.reserve({ queue, limit: 1, leaseMs: 1000, now: T0 + 2999 })).toEqual({ jobs: [], nextDueAt: T0 + 3000 });
    const again = (await driver.reserve({ queue, limit: 1, leaseMs: 1000, now: T0 + 3000 })).jobs[0];
    expect(again?.job).toMatchObject({ id: job.id, attempts: 1, lastError: 'boom' });
  });

  it('retry_without_run_at_makes_the_job_ready_at_the_tail', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    const job = newJob(queue);
    await driver.enqueue(job, T0);
    const { lease } = (await driver.reserve({ queue, limit: 1, leaseMs: 1000, now: T0 })).jobs[0]!;
    const other = newJob(queue);
    await driver.enqueue(other, T0);
    await driver.retry(lease, { attempts: 1, failedAt: T0 }, T0);
    const { jobs } = await driver.reserve({ queue, limit: 5, leaseMs: 1000, now: T0 });
    expect(jobs.map((r) => r.job.id)).toEqual([other.id, job.id]);
    expect(jobs[1]?.job.lastError).toBeUndefined();
  });
});
