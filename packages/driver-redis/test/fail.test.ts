import { JobNotInFlightError, ValidationError } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import { newJob, SKIP_REDIS, T0, uniqueQueue, useRedisFile } from './support/redis-env.js';

describe.skipIf(SKIP_REDIS)('fail (Redis)', () => {
  const redis = useRedisFile('fail');

  it('fail_moves_the_job_to_the_dlq_with_reason_and_time', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    const job = newJob(queue);
    await driver.enqueue(job, T0);
    const { lease } = (await driver.reserve({ queue, limit: 1, leaseMs: 1000, now: T0 })).jobs[0]!;
    await driver.fail(lease, { attempts: 3, lastError: 'bad', failedAt: T0 + 1, reason: 'out of attempts' }, T0 + 2);
    expect(await driver.inspect({ queue, id: job.id })).toMatchObject({
      status: 'dlq',
      attempts: 3,
      lastError: 'bad',
      failedAt: T0 + 1,
      dlqReason: 'out of attempts',
      dlqFailedAt: T0 + 2,
      lease: { token: lease.token },
    });
    expect(await redis.raw.zrange(`${redis.prefix}:{${queue}}:dlq`, 0, -1)).toEqual([job.id]);
    expect((await driver.list({ queue, status: 'dlq', limit: 10 })).jobs.map((j) => j.id)).toEqual([job.id]);
    await driver.fail(lease, { attempts: 9, failedAt: T0, reason: 'again' }, T0 + 3);
    expect((await driver.inspect({ queue, id: job.id }))?.dlqReason).toBe('out of attempts');
    await expect(driver.ack(lease, T0 + 3)).rejects.toBeInstanceOf(JobNotInFlightError);
  });

  it('requeue_from_the_dlq_makes_the_job_runnable_again', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    const job = newJob(queue);
    await driver.enqueue(job, T0);
    const { lease } = (await driver.reserve({ queue, limit: 1, leaseMs: 1000, now: T0 })).jobs[0]!;
    await expect(driver.requeueDlq({ queue, id: job.id }, { now: T0 })).rejects.toBeInstanceOf(ValidationError);
    await driver.fail(lease, { attempts: 2, lastError: 'x', failedAt: T0, reason: 'r' }, T0);
    await driver.requeueDlq({ queue, id: job.id }, { now: T0, resetAttempts: true });
    const record = await driver.inspect({ queue, id: job.id });
    expect(record).toMatchObject({ status: 'ready', attempts: 0 });
    expect([record?.lastError, record?.dlqReason, record?.lease]).toEqual([undefined, undefined, undefined]);
    expect(await redis.raw.zcard(`${redis.prefix}:{${queue}}:dlq`)).toBe(0);
  });
});
