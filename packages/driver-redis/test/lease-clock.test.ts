import { LeaseExpiredError, ValidationError } from '@taskharbor/core';
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { RedisDriver } from '../src/index.js';
import { newJob, SKIP_REDIS, T0, uniqueQueue, useRedisFile } from './support/redis-env.js';

/** Redis's own clock, in epoch ms. */
async function serverNow(raw: Redis): Promise<number> {
  const [seconds, micros] = await raw.time();
  return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
}

const HOUR = 3_600_000;

describe('leaseClock option', () => {
  it('rejects an unknown clock before connecting', async () => {
    // An address nothing listens on: a ValidationError proves no connection was tried.
    const error = await RedisDriver.connect({ addr: '127.0.0.1:1', leaseClock: 'local' as never }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ field: 'leaseClock' });
  });
});

describe.skipIf(SKIP_REDIS)('leaseClock server (Redis TIME)', () => {
  const redis = useRedisFile('lease-clock');

  it('a worker whose clock runs hours ahead cannot take a valid lease', async () => {
    const honest = await redis.driver({ leaseClock: 'server' });
    const ahead = await redis.driver({ leaseClock: 'server' });
    const queue = uniqueQueue();
    const job = newJob(queue, { createdAt: 0 });
    await honest.enqueue(job, 0);
    const now = await serverNow(redis.raw);
    const { lease } = (await honest.reserve({ queue, limit: 1, leaseMs: 60_000, now })).jobs[0]!;

    const taken = await ahead.reserve({ queue, limit: 1, leaseMs: 60_000, now: now + 2 * HOUR });
    expect(taken.jobs).toEqual([]);
    await honest.ack(lease, now + 2 * HOUR);
    expect((await honest.inspect({ queue, id: job.id }))?.status).toBe('done');
  });

  it('the same skew on the caller clock reclaims the lease (the fault the server clock removes)', async () => {
    const honest = await redis.driver();
    const ahead = await redis.driver();
    const queue = uniqueQueue();
    const job = newJob(queue);
    await honest.enqueue(job, T0);
    const { lease } = (await honest.reserve({ queue, limit: 1, leaseMs: 60_000, now: T0 })).jobs[0]!;
    const taken = await ahead.reserve({ queue, limit: 1, leaseMs: 60_000, now: T0 + 2 * HOUR });
    expect(taken.jobs.map((reserved) => reserved.job.id)).toEqual([job.id]);
    await expect(honest.ack(lease, T0 + 1)).rejects.toMatchObject({ code: 'LEASE_MISMATCH' });
  });

  it('stores lease expiries on the server clock and hands them back on the caller clock', async () => {
    const driver = await redis.driver({ leaseClock: 'server' });
    const queue = uniqueQueue();
    const job = newJob(queue, { createdAt: 0 });
    await driver.enqueue(job, 0);
    const before = await serverNow(redis.raw);
    const callerNow = 1_000;
    const { lease } = (await driver.reserve({ queue, limit: 1, leaseMs: 30_000, now: callerNow })).jobs[0]!;
    const after = await serverNow(redis.raw);
    expect(lease.expiresAt).toBe(callerNow + 30_000);
    const stored = (await driver.inspect({ queue, id: job.id }))?.lease?.expiresAt ?? 0;
    expect(stored).toBeGreaterThanOrEqual(before + 30_000);
    expect(stored).toBeLessThanOrEqual(after + 30_000);

    const extended = await driver.extendLease(lease, 90_000, callerNow + 5);
    expect(extended.expiresAt).toBe(callerNow + 5 + 90_000);
    const restored = (await driver.inspect({ queue, id: job.id }))?.lease?.expiresAt ?? 0;
    expect(restored).toBeGreaterThanOrEqual(before + 90_000);
    expect(restored).toBeLessThanOrEqual((await serverNow(redis.raw)) + 90_000);
  });

  it('reports nextDueAt as a distance from the caller now', async () => {
    const driver = await redis.driver({ leaseClock: 'server' });
    const queue = uniqueQueue();
    const start = await serverNow(redis.raw);
    await driver.enqueue(newJob(queue, { createdAt: 0, runAt: start + 60_000 }), start);
    const callerNow = 5_000;
    const result = await driver.reserve({ queue, limit: 1, leaseMs: 1000, now: callerNow });
    const elapsed = (await serverNow(redis.raw)) - start;
    expect(result.jobs).toEqual([]);
    expect(result.nextDueAt).toBeLessThanOrEqual(callerNow + 60_000);
    expect(result.nextDueAt).toBeGreaterThanOrEqual(callerNow + 60_000 - elapsed);
  });

  it('finish and dead-letter times come from the server clock', async () => {
    const driver = await redis.driver({ leaseClock: 'server' });
    const queue = uniqueQueue();
    const done = newJob(queue, { createdAt: 0 });
    const dead = newJob(queue, { createdAt: 0 });
    await driver.enqueueMany([done, dead], 0);
    const before = await serverNow(redis.raw);
    const [first, second] = (await driver.reserve({ queue, limit: 2, leaseMs: 30_000, now: 7 })).jobs;
    await driver.ack(first!.lease, 7);
    await driver.fail(second!.lease, { attempts: 1, failedAt: 7, reason: 'poison' }, 7);
    const after = await serverNow(redis.raw);
    const finishedAt = (await driver.inspect({ queue, id: done.id }))?.finishedAt ?? 0;
    const deadAt = (await driver.inspect({ queue, id: dead.id }))?.dlqFailedAt ?? 0;
    for (const time of [finishedAt, deadAt]) {
      expect(time).toBeGreaterThanOrEqual(before);
      expect(time).toBeLessThanOrEqual(after);
    }
  });

  it('a lease ends when Redis says so, whatever the caller passes', async () => {
    const driver = await redis.driver({ leaseClock: 'server' });
    const queue = uniqueQueue();
    const job = newJob(queue, { createdAt: 0 });
    await driver.enqueue(job, 0);
    const { lease } = (await driver.reserve({ queue, limit: 1, leaseMs: 1, now: 0 })).jobs[0]!;
    // Redis's clock cannot be faked: wait (bounded) until it has passed the 1 ms lease.
    const expiry = (await driver.inspect({ queue, id: job.id }))?.lease?.expiresAt ?? 0;
    const deadline = Date.now() + 2_000;
    while ((await serverNow(redis.raw)) < expiry && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1));
    const error = await driver.ack(lease, 0).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LeaseExpiredError);
    expect((error as LeaseExpiredError).expiresAt).toBe(expiry);
    expect((error as LeaseExpiredError).now).toBeGreaterThanOrEqual(expiry);
    const reclaimed = await driver.reserve({ queue, limit: 1, leaseMs: 60_000, now: 0 });
    expect(reclaimed.jobs.map((reserved) => reserved.job.reclaims)).toEqual([1]);
  });
});
