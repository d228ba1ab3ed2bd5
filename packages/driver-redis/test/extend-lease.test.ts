import { LeaseExpiredError } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import { newJob, SKIP_REDIS, T0, uniqueQueue, useRedisFile } from './support/redis-env.js';

describe.skipIf(SKIP_REDIS)('extendLease (Redis)', () => {
  const redis = useRedisFile('extend-lease');

  it('extending_a_lease_prevents_its_reclaim', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    await driver.enqueue(newJob(queue), T0);
    const { lease } = (await driver.reserve({ queue, limit: 1, leaseMs: 1000, now: T0 })).jobs[0]!;
    const extended = await driver.extendLease(lease, 5000, T0 + 900);
    expect(extended).toEqual({ ...lease, expiresAt: T0 + 5900 });
    expect(await driver.reserve({ queue, limit: 1, leaseMs: 1000, now: T0 + 5899 })).toEqual({ jobs: [], nextDueAt: T0 + 5900 });
    await driver.ack(lease, T0 + 5899);
  });

  it('extending_an_expired_lease_is_lease_expired', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    const job = newJob(queue);
    await driver.enqueue(job, T0);
    const { lease } = (await driver.reserve({ queue, limit: 1, leaseMs: 1000, now: T0 })).jobs[0]!;
    const error = await driver.extendLease(lease, 5000, T0 + 1000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LeaseExpiredError);
    expect(error).toMatchObject({ jobId: job.id, expiresAt: T0 + 1000, now: T0 + 1000 });
    expect((await driver.inspect({ queue, id: job.id }))?.lease?.expiresAt).toBe(T0 + 1000);
  });

  it('extend_leases_extends_many_leases_in_one_call', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    await driver.enqueueMany([newJob(queue), newJob(queue), newJob(queue)], T0);
    const leases = (await driver.reserve({ queue, limit: 3, leaseMs: 1000, now: T0 })).jobs.map((r) => r.lease);
    const outcomes = await driver.extendLeases(leases, 10_000, T0 + 500);
    expect(outcomes).toEqual(leases.map((lease) => ({ ok: true, value: { ...lease, expiresAt: T0 + 10_500 } })));
  });
});
