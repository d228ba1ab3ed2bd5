import { InvalidLeaseDurationError, newJobId } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import { MAX_MOVES_PER_RESERVE } from '../src/lua/reserve.js';
import { newJob, SKIP_REDIS, T0, uniqueQueue, useRedisFile } from './support/redis-env.js';

describe.skipIf(SKIP_REDIS)('reserve (Redis)', () => {
  const redis = useRedisFile('reserve');

  it('a_large_due_backlog_moves_a_bounded_number_per_call_and_sends_the_caller_back', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    const total = MAX_MOVES_PER_RESERVE * 2 + 500;
    // Scheduled one ms apart, all due at T0 + total.
    const jobs = Array.from({ length: total }, (_, i) => newJob(queue, { runAt: T0 + 1 + i }));
    for (let i = 0; i < total; i += 1000) await driver.enqueueMany(jobs.slice(i, i + 1000), T0);
    const now = T0 + total + 1;

    const first = await driver.reserve({ queue, limit: 1, leaseMs: 60_000, now });
    expect(first.jobs.map((r) => r.job.id)).toEqual([jobs[0]?.id]);
    // Work is left that is already due: nextDueAt is the earliest of it, not in the future.
    expect(first.nextDueAt).toBe(jobs[MAX_MOVES_PER_RESERVE]?.runAt);
    expect(await driver.counts(queue)).toMatchObject({ ready: MAX_MOVES_PER_RESERVE - 1, scheduled: total - MAX_MOVES_PER_RESERVE, inflight: 1 });

    // Later calls move the rest, in runAt order.
    const seen = [jobs[0]?.id];
    while (seen.length < total) {
      const result = await driver.reserve({ queue, limit: 1000, leaseMs: 60_000, now });
      expect(result.jobs.length).toBeGreaterThan(0);
      seen.push(...result.jobs.map((r) => r.job.id));
    }
    expect(seen).toEqual(jobs.map((job) => job.id));
    expect(await driver.counts(queue)).toMatchObject({ ready: 0, scheduled: 0, inflight: total });
  });

  it('a_large_expired_lease_backlog_is_reclaimed_a_bounded_number_per_call', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    const total = MAX_MOVES_PER_RESERVE + 200;
    const jobs = Array.from({ length: total }, () => newJob(queue));
    for (let i = 0; i < total; i += 1000) await driver.enqueueMany(jobs.slice(i, i + 1000), T0);
    await driver.reserve({ queue, limit: total, leaseMs: 10, now: T0 });

    const first = await driver.reserve({ queue, limit: 1, leaseMs: 60_000, now: T0 + 100 });
    expect(first.jobs.map((r) => [r.job.id, r.job.reclaims])).toEqual([[jobs[0]?.id, 1]]);
    expect(first.nextDueAt).toBe(T0 + 10);
    expect(await driver.counts(queue)).toMatchObject({ ready: MAX_MOVES_PER_RESERVE - 1, inflight: 201 });
    const second = await driver.reserve({ queue, limit: total, leaseMs: 60_000, now: T0 + 100 });
    expect(second.jobs).toHaveLength(total - 1);
    expect(await driver.counts(queue)).toMatchObject({ ready: 0, inflight: total });
  });

  it('a_usual_job_and_jobs_with_more_fields_come_back_whole_from_one_reserve', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    const usual = newJob(queue);
    const keyed = newJob(queue, { idempotencyKey: 'k-1', timeoutMs: 2500 });
    const odd = newJob(queue);
    // created_at_nano kept: the id is not one that starts with the creation time, or not with this one.
    const named = newJob(queue, { id: 'order-7' });
    const later = newJob(queue, { id: newJobId(T0), createdAt: T0 + 5 });
    await driver.enqueueMany([usual, keyed, odd, named, later], T0);
    // Five fields, but not the usual five: a timeout where created_at_nano would be.
    // HLEN alone would take it for a usual job and lose the timeout.
    const oddKey = `${redis.prefix}:{${queue}}:job:${odd.id}`;
    await redis.raw.hset(oddKey, 'timeout_nano', String(4000 * 1e6));
    expect(await redis.raw.hlen(oddKey)).toBe(5);
    expect(await redis.raw.hexists(`${redis.prefix}:{${queue}}:job:${usual.id}`, 'created_at_nano')).toBe(0);
    expect(await redis.raw.hget(`${redis.prefix}:{${queue}}:job:${named.id}`, 'created_at_nano')).toBe(`${T0}000000`);
    expect(await redis.raw.hget(`${redis.prefix}:{${queue}}:job:${later.id}`, 'created_at_nano')).toBe(`${T0 + 5}000000`);

    const { jobs } = await driver.reserve({ queue, limit: 5, leaseMs: 1000, now: T0 });
    const byId = new Map(jobs.map((r) => [r.job.id, r.job]));
    expect(byId.get(named.id)).toMatchObject({ createdAt: T0, maxAttempts: 3, status: 'inflight' });
    expect(byId.get(later.id)).toMatchObject({ createdAt: T0 + 5, maxAttempts: 3, status: 'inflight' });
    expect(byId.get(usual.id)).toMatchObject({ type: usual.type, queue, status: 'inflight', createdAt: T0, maxAttempts: 3, attempts: 0 });
    expect(byId.get(usual.id)?.payload).toEqual(usual.payload);
    expect(byId.get(usual.id)?.timeoutMs).toBeUndefined();
    expect(byId.get(keyed.id)).toMatchObject({ idempotencyKey: 'k-1', timeoutMs: 2500, status: 'inflight' });
    expect(byId.get(odd.id)).toMatchObject({ queue, timeoutMs: 4000, status: 'inflight' });
  });

  it('grouped_jobs_come_back_whole_whatever_fields_their_hash_holds', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    const usual = newJob(queue, { group: 'A' });
    const ranked = newJob(queue, { group: 'B', priority: 2, maxAttempts: 25 });
    const keyed = newJob(queue, { group: 'C', idempotencyKey: 'k-g', timeoutMs: 2500 });
    const odd = newJob(queue, { group: 'D' });
    const second = newJob(queue, { group: 'A' });
    await driver.enqueueMany([usual, ranked, keyed, odd, second], T0);
    const key = (id: string) => `${redis.prefix}:{${queue}}:job:${id}`;
    // A grouped job's hash holds its sequence beside the usual fields.
    expect(await redis.raw.hexists(key(usual.id), 'rseq')).toBe(1);
    await redis.raw.hset(key(odd.id), 'timeout_nano', String(4000 * 1e6));

    const { jobs } = await driver.reserve({ queue, limit: 5, leaseMs: 1000, now: T0 });
    expect(jobs.map((r) => r.job.id)).toEqual([usual.id, ranked.id, keyed.id, odd.id, second.id]);
    const byId = new Map(jobs.map((r) => [r.job.id, r.job]));
    expect(byId.get(usual.id)).toMatchObject({ type: usual.type, queue, group: 'A', status: 'inflight', createdAt: T0, maxAttempts: 3 });
    expect(byId.get(usual.id)?.payload).toEqual(usual.payload);
    expect(byId.get(usual.id)?.timeoutMs).toBeUndefined();
    expect(byId.get(usual.id)?.priority ?? 0).toBe(0);
    expect(byId.get(ranked.id)).toMatchObject({ group: 'B', priority: 2, maxAttempts: 25, status: 'inflight' });
    expect(byId.get(keyed.id)).toMatchObject({ group: 'C', idempotencyKey: 'k-g', timeoutMs: 2500, status: 'inflight' });
    expect(byId.get(odd.id)).toMatchObject({ group: 'D', timeoutMs: 4000, status: 'inflight' });
    const ginflight = `${redis.prefix}:{${queue}}:ginflight`;
    expect(await redis.raw.hgetall(ginflight)).toEqual({ A: '2', B: '1', C: '1', D: '1' });
    // One ack of jobs of three groups: A keeps one in flight, B and C none.
    const outcomes = await driver.ackMany(
      jobs.slice(0, 3).map((r) => r.lease),
      T0 + 1,
    );
    expect(outcomes).toHaveLength(3);
    expect(await redis.raw.hgetall(ginflight)).toEqual({ A: '1', D: '1' });
    expect(await redis.raw.hget(`${redis.prefix}:{${queue}}:flow`, 'gin')).toBe('2');
  });

  it('reserve_on_an_empty_queue_returns_no_jobs_and_no_next_due_at', async () => {
    const driver = await redis.driver();
    expect(await driver.reserve({ queue: uniqueQueue(), limit: 5, leaseMs: 1000, now: T0 })).toEqual({ jobs: [] });
  });

  it('reserve_rejects_an_invalid_lease_duration_and_changes_nothing', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    await driver.enqueue(newJob(queue), T0);
    for (const leaseMs of [0, -5, 1.5, Number.NaN]) {
      await expect(driver.reserve({ queue, limit: 1, leaseMs, now: T0 })).rejects.toBeInstanceOf(InvalidLeaseDurationError);
    }
    expect(await driver.counts(queue)).toMatchObject({ ready: 1, inflight: 0 });
  });

  it('scheduled_job_is_promoted_at_its_run_at', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    const job = newJob(queue, { runAt: T0 + 5000 });
    await driver.enqueue(job, T0);
    expect(await driver.reserve({ queue, limit: 1, leaseMs: 1000, now: T0 + 4999 })).toEqual({ jobs: [], nextDueAt: T0 + 5000 });
    const { jobs } = await driver.reserve({ queue, limit: 1, leaseMs: 1000, now: T0 + 5000 });
    expect(jobs.map((r) => r.job.id)).toEqual([job.id]);
    expect(jobs[0]?.job.runAt).toBe(T0 + 5000);
  });

  it('racing_reserves_from_two_drivers_never_hand_out_a_job_twice', async () => {
    const [one, two] = [await redis.driver(), await redis.driver()];
    const queue = uniqueQueue();
    const jobs = Array.from({ length: 30 }, () => newJob(queue));
    await one.enqueueMany(jobs, T0);
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 ? one : two).reserve({ queue, limit: 2, leaseMs: 60_000, now: T0 })),
    );
    const handedOut = results.flatMap((r) => r.jobs.map((j) => j.job.id));
    expect(handedOut).toHaveLength(30);
    expect(new Set(handedOut).size).toBe(30);
  });

  it('expired_lease_is_reclaimed_with_a_new_token_and_reclaims_counted', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    await driver.enqueue(newJob(queue), T0);
    const first = (await driver.reserve({ queue, limit: 1, leaseMs: 1000, now: T0 })).jobs[0]!;
    expect(await driver.reserve({ queue, limit: 1, leaseMs: 1000, now: T0 + 999 })).toEqual({ jobs: [], nextDueAt: T0 + 1000 });
    const second = (await driver.reserve({ queue, limit: 1, leaseMs: 1000, now: T0 + 1000 })).jobs[0]!;
    expect(second.job.id).toBe(first.job.id);
    expect(second.lease.token).not.toBe(first.lease.token);
    expect(second.job.reclaims).toBe(1);
  });

  it('reserve_hands_out_up_to_limit_jobs_in_one_call_in_fifo_order', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    const jobs = Array.from({ length: 250 }, () => newJob(queue)).reverse();
    await driver.enqueueMany(jobs, T0);
    const { jobs: reserved } = await driver.reserve({ queue, limit: 200, leaseMs: 1000, now: T0 });
    expect(reserved.map((r) => r.job.id)).toEqual(jobs.slice(0, 200).map((j) => j.id));
    expect(new Set(reserved.map((r) => r.lease.token)).size).toBe(200);
  });
});
