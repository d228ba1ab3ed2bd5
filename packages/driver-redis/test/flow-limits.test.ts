import { ValidationError } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import { newJob, SKIP_REDIS, T0, uniqueQueue, useRedisFile } from './support/redis-env.js';

/** Limits, holds and pauses on the flow path, read back through the driver and the keys. */
describe.skipIf(SKIP_REDIS)('flow control limits (Redis)', () => {
  const redis = useRedisFile('flow-limits');
  const signal = (queue: string) => `${redis.prefix}:{${queue}}:signal`;

  it('queue_concurrency_caps_jobs_in_flight_and_an_ack_frees_a_slot_and_wakes', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    await driver.setQueueLimits(queue, { concurrency: 2 });
    await driver.enqueueMany(Array.from({ length: 5 }, () => newJob(queue)), T0);
    const first = await driver.reserve({ queue, limit: 10, leaseMs: 1000, now: T0 });
    expect(first.jobs).toHaveLength(2);
    expect(await redis.raw.llen(signal(queue))).toBe(0);
    await driver.ack(first.jobs[0]!.lease, T0);
    expect(await redis.raw.llen(signal(queue))).toBe(1);
    expect((await driver.reserve({ queue, limit: 10, leaseMs: 1000, now: T0 })).jobs).toHaveLength(1);
    // An expired lease frees its slot: both leases end at T0 + 1000.
    expect((await driver.reserve({ queue, limit: 10, leaseMs: 1000, now: T0 + 1000 })).jobs).toHaveLength(2);
  });

  it('an_ack_of_many_frees_each_groups_slots_by_the_number_it_ends', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    const base = `${redis.prefix}:{${queue}}:`;
    await driver.setGroupLimits(queue, { concurrency: 2 }, 'g');
    await driver.enqueueMany(
      [...Array.from({ length: 3 }, () => newJob(queue, { group: 'g' })), newJob(queue, { group: 'h' }), newJob(queue, { priority: 1 })],
      T0,
    );
    const got = await driver.reserve({ queue, limit: 10, leaseMs: 60_000, now: T0 });
    expect(got.jobs.map((r) => r.job.group ?? '')).toEqual(['g', 'h', '', 'g']);
    expect(await redis.raw.zscore(`${base}gblocked`, 'g')).not.toBeNull();
    const refused = { ...got.jobs[1]!.lease, token: 'wrong' };
    const outcomes = await driver.ackMany([got.jobs[0]!.lease, refused, got.jobs[2]!.lease, got.jobs[3]!.lease], T0);
    expect(outcomes.map((o) => o.ok)).toEqual([true, false, true, true]);
    expect(await redis.raw.hgetall(`${base}ginflight`)).toEqual({ h: '1' });
    expect(await redis.raw.hget(`${base}flow`, 'gin')).toBe('1');
    expect(await redis.raw.zscore(`${base}gblocked`, 'g')).toBeNull();
    expect(await redis.raw.llen(signal(queue))).toBe(1);
    expect((await driver.reserve({ queue, limit: 10, leaseMs: 60_000, now: T0 })).jobs.map((r) => r.job.group)).toEqual(['g']);
  });

  it('group_concurrency_applies_to_every_group_and_an_override_wins', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    await driver.setGroupLimits(queue, { concurrency: 1 });
    await driver.setGroupLimits(queue, { concurrency: 3 }, 'big');
    await driver.enqueueMany(
      [...Array.from({ length: 4 }, () => newJob(queue, { group: 'big' })), ...Array.from({ length: 4 }, () => newJob(queue, { group: 'small' }))],
      T0,
    );
    const got = await driver.reserve({ queue, limit: 10, leaseMs: 60_000, now: T0 });
    expect(got.jobs.map((r) => r.job.group).sort()).toEqual(['big', 'big', 'big', 'small']);
    expect(await driver.groupState(queue, 'big')).toEqual({
      group: 'big',
      overrides: { concurrency: 3 },
      effective: { concurrency: 3 },
      paused: false,
      inflight: 3,
    });
    const small = got.jobs.find((r) => r.job.group === 'small');
    await driver.ack(small!.lease, T0);
    expect(await redis.raw.llen(signal(queue))).toBe(1);
    const next = await driver.reserve({ queue, limit: 10, leaseMs: 60_000, now: T0 });
    expect(next.jobs.map((r) => r.job.group)).toEqual(['small']);
  });

  it('queue_rate_is_a_sliding_window', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    await driver.setQueueLimits(queue, { rate: { max: 3, perMs: 1000 } });
    await driver.enqueueMany(Array.from({ length: 10 }, () => newJob(queue)), T0);
    const reserve = (now: number, limit: number) => driver.reserve({ queue, limit, leaseMs: 60_000, now });
    expect((await reserve(T0, 2)).jobs).toHaveLength(2);
    expect((await reserve(T0 + 500, 5)).jobs).toHaveLength(1);
    const blocked = await reserve(T0 + 999, 5);
    expect(blocked.jobs).toHaveLength(0);
    expect(blocked.nextDueAt).toBe(T0 + 1000);
    expect((await reserve(T0 + 1000, 5)).jobs).toHaveLength(2);
    expect((await reserve(T0 + 1500, 5)).jobs).toHaveLength(1);
  });

  it('a_reserve_that_runs_late_with_an_earlier_now_still_counts_every_start_in_its_window', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    await driver.setQueueLimits(queue, { rate: { max: 3, perMs: 1000 } });
    await driver.enqueueMany(Array.from({ length: 10 }, () => newJob(queue)), T0);
    const reserve = (now: number, limit: number) => driver.reserve({ queue, limit, leaseMs: 60_000, now });
    expect((await reserve(T0, 3)).jobs).toHaveLength(3);
    // One worker reserves at T0 + 1,000 (the starts at T0 just left its window)...
    expect((await reserve(T0 + 1000, 1)).jobs).toHaveLength(1);
    // ...and another whose now was taken a millisecond earlier arrives after it: the window ending
    // at T0 + 999 already holds the three starts at T0, so it may start nothing, and is told when.
    const lagging = await reserve(T0 + 999, 3);
    expect(lagging.jobs).toHaveLength(0);
    expect(lagging.nextDueAt).toBeGreaterThan(T0 + 999);
  });

  it('group_rate_limits_each_group_apart_and_the_blocked_group_names_its_time', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    await driver.setGroupLimits(queue, { rate: { max: 1, perMs: 100 } });
    await driver.enqueueMany([newJob(queue, { group: 'a' }), newJob(queue, { group: 'a' }), newJob(queue, { group: 'b' })], T0);
    const got = await driver.reserve({ queue, limit: 10, leaseMs: 60_000, now: T0 });
    expect(got.jobs.map((r) => r.job.group)).toEqual(['a', 'b']);
    expect(got.nextDueAt).toBe(T0 + 100);
    expect((await driver.reserve({ queue, limit: 10, leaseMs: 60_000, now: T0 + 99 })).jobs).toHaveLength(0);
    expect((await driver.reserve({ queue, limit: 10, leaseMs: 60_000, now: T0 + 100 })).jobs.map((r) => r.job.group)).toEqual(['a']);
  });

  it('a_paused_group_hands_out_nothing_while_others_go_on_and_resume_wakes', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    await driver.enqueueMany([newJob(queue, { group: 'a' }), newJob(queue, { group: 'b' })], T0);
    await driver.pauseGroup(queue, 'a');
    await driver.pauseGroup(queue, 'a');
    const got = await driver.reserve({ queue, limit: 10, leaseMs: 60_000, now: T0 });
    expect(got.jobs.map((r) => r.job.group)).toEqual(['b']);
    expect(got.nextDueAt).toBe(T0 + 60_000);
    expect((await driver.groupState(queue, 'a')).paused).toBe(true);
    await driver.resumeGroup(queue, 'a');
    expect(await redis.raw.llen(signal(queue))).toBe(1);
    expect((await driver.reserve({ queue, limit: 10, leaseMs: 60_000, now: T0 })).jobs.map((r) => r.job.group)).toEqual(['a']);
  });

  it('hold_back_puts_the_job_first_and_holds_its_queue', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    const plain = [newJob(queue), newJob(queue)];
    await driver.enqueueMany(plain, T0);
    const [first] = (await driver.reserve({ queue, limit: 1, leaseMs: 60_000, now: T0 })).jobs;
    expect(first?.job.id).toBe(plain[0]?.id);
    await driver.holdBack(first!.lease, T0 + 1000, T0);
    const held = await driver.reserve({ queue, limit: 10, leaseMs: 60_000, now: T0 + 999 });
    expect(held.jobs).toHaveLength(0);
    expect(held.nextDueAt).toBe(T0 + 1000);
    expect((await driver.flowState(queue)).heldUntil).toBe(T0 + 1000);
    const after = await driver.reserve({ queue, limit: 10, leaseMs: 60_000, now: T0 + 1000 });
    expect(after.jobs.map((r) => r.job.id)).toEqual([plain[0]?.id, plain[1]?.id]);
  });

  it('hold_back_of_a_grouped_job_holds_only_its_group_and_never_shortens_a_hold', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    const jobs = [newJob(queue, { group: 'g' }), newJob(queue, { group: 'g' }), newJob(queue, { group: 'h' }), newJob(queue)];
    await driver.enqueueMany(jobs.slice(0, 3), T0);
    const got = await driver.reserve({ queue, limit: 10, leaseMs: 60_000, now: T0 });
    expect(got.jobs.map((r) => r.job.id)).toEqual([jobs[0]?.id, jobs[2]?.id, jobs[1]?.id]);
    await driver.holdBack(got.jobs[0]!.lease, T0 + 9000, T0);
    await driver.holdBack(got.jobs[2]!.lease, T0 + 5000, T0);
    expect((await driver.groupState(queue, 'g')).heldUntil).toBe(T0 + 9000);
    expect((await driver.flowState(queue)).heldUntil).toBeUndefined();
    await driver.enqueue(jobs[3]!, T0);
    const rest = await driver.reserve({ queue, limit: 10, leaseMs: 60_000, now: T0 + 5000 });
    expect(rest.jobs.map((r) => r.job.id)).toEqual([jobs[3]?.id]);
    expect(rest.nextDueAt).toBe(T0 + 9000);
    // Both went to the head of their priority, the later one first.
    const late = await driver.reserve({ queue, limit: 10, leaseMs: 60_000, now: T0 + 9000 });
    expect(late.jobs.map((r) => r.job.id)).toEqual([jobs[1]?.id, jobs[0]?.id]);
  });

  it('groups_at_their_limit_wait_outside_the_turn_order_until_a_slot_frees', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    const base = `${redis.prefix}:{${queue}}:`;
    await driver.setGroupLimits(queue, { concurrency: 1 });
    await driver.enqueueMany(
      Array.from({ length: 600 }, (_, i) => newJob(queue, { group: `g${i % 300}` })),
      T0,
    );
    const first = await driver.reserve({ queue, limit: 1000, leaseMs: 60_000, now: T0 });
    expect(first.jobs).toHaveLength(300);
    // Every group used its slot: all wait in gblocked, none in the turn order, and no token is left.
    expect(await redis.raw.zcard(`${base}turns`)).toBe(0);
    expect(await redis.raw.zcard(`${base}gblocked`)).toBe(300);
    expect(await redis.raw.llen(signal(queue))).toBe(0);
    expect((await driver.reserve({ queue, limit: 1000, leaseMs: 60_000, now: T0 })).jobs).toHaveLength(0);
    // One ack brings back exactly its group.
    const lease = first.jobs[7]!.lease;
    await driver.ack(lease, T0);
    expect(await redis.raw.zrange(`${base}turns`, 0, -1)).toEqual([first.jobs[7]?.job.group]);
    expect(await redis.raw.llen(signal(queue))).toBe(1);
    const next = await driver.reserve({ queue, limit: 1000, leaseMs: 60_000, now: T0 });
    expect(next.jobs.map((r) => r.job.group)).toEqual([first.jobs[7]?.job.group]);
  });

  it('bad_limits_are_refused_and_change_nothing', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    for (const bad of [{ concurrency: -1 }, { concurrency: 1.5 }, { concurrency: 0 }, { burst: 3 }, { rate: { max: 1 } }]) {
      await expect(driver.setQueueLimits(queue, bad as never)).rejects.toBeInstanceOf(ValidationError);
      await expect(driver.setGroupLimits(queue, bad as never)).rejects.toBeInstanceOf(ValidationError);
    }
    await expect(driver.setGroupLimits(queue, { concurrency: 1 }, 'a{b}')).rejects.toBeInstanceOf(ValidationError);
    await expect(driver.pauseGroup(queue, '')).rejects.toBeInstanceOf(ValidationError);
    expect(await redis.raw.keys(`${redis.prefix}:{${queue}}:*`)).toEqual([]);
    expect(await driver.flowState(queue)).toEqual({ limits: {}, groupDefaults: {} });
  });
});
