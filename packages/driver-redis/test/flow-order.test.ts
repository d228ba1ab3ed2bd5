import { ValidationError } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import { newJob, SKIP_REDIS, T0, uniqueQueue, useRedisFile } from './support/redis-env.js';

/** Order on the flow path: priorities, groups in turn, and how both survive outcomes. */
describe.skipIf(SKIP_REDIS)('flow control order (Redis)', () => {
  const redis = useRedisFile('flow-order');
  const lease = { leaseMs: 60_000, now: T0 };

  it('priorities_order_jobs_and_stay_fifo_within_one', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    const a = newJob(queue);
    const b = newJob(queue, { priority: 5 });
    const c = newJob(queue, { priority: -3 });
    const d = newJob(queue);
    const e = newJob(queue, { priority: -3 });
    await driver.enqueueMany([a, b, c, d, e], T0);
    const got = await driver.reserve({ queue, limit: 10, ...lease });
    expect(got.jobs.map((r) => r.job.id)).toEqual([c.id, e.id, a.id, d.id, b.id]);
    expect(got.jobs[0]?.job.priority).toBe(-3);
    expect(got.jobs[2]?.job.priority).toBeUndefined();
    expect(await redis.raw.hexists(`${redis.prefix}:{${queue}}:job:${a.id}`, 'priority')).toBe(0);
  });

  it('groups_are_served_in_turn_and_limit_n_equals_n_calls', async () => {
    for (const limit of [1, 7]) {
      const driver = await redis.driver();
      const queue = uniqueQueue();
      const jobs = ['A', 'A', 'A', 'B', 'B', 'B', 'C'].map((group) => newJob(queue, { group }));
      await driver.enqueueMany(jobs, T0);
      const groups: string[] = [];
      while (groups.length < 7) {
        const got = await driver.reserve({ queue, limit, ...lease });
        expect(got.jobs.length).toBeGreaterThan(0);
        groups.push(...got.jobs.map((r) => r.job.group ?? ''));
      }
      expect(groups.join('')).toBe('ABCABAB');
    }
  });

  it('jobs_without_a_group_take_a_turn_and_plain_jobs_before_the_first_group_keep_theirs', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    const plain1 = newJob(queue);
    await driver.enqueue(plain1, T0);
    const a1 = newJob(queue, { group: 'a' });
    const plain2 = newJob(queue);
    const a2 = newJob(queue, { group: 'a' });
    await driver.enqueueMany([a1, plain2, a2], T0);
    const got = await driver.reserve({ queue, limit: 10, ...lease });
    expect(got.jobs.map((r) => r.job.id)).toEqual([plain1.id, a1.id, plain2.id, a2.id]);
  });

  it('a_queue_without_groups_hands_out_by_priority_and_a_group_arriving_later_takes_its_turn', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    const base = `${redis.prefix}:{${queue}}:`;
    const a = newJob(queue);
    const b = newJob(queue, { priority: 2 });
    const c = newJob(queue, { priority: -1 });
    const d = newJob(queue);
    const e = newJob(queue, { priority: 2 });
    await driver.enqueueMany([a, b, c, d, e], T0);
    const first = await driver.reserve({ queue, limit: 2, ...lease });
    expect(first.jobs.map((r) => r.job.id)).toEqual([c.id, a.id]);
    const x = newJob(queue, { group: 'g' });
    const f = newJob(queue);
    await driver.enqueueMany([x, f], T0);
    const second = await driver.reserve({ queue, limit: 3, ...lease });
    expect(second.jobs.map((r) => r.job.id)).toEqual([d.id, x.id, f.id]);
    const third = await driver.reserve({ queue, limit: 10, ...lease });
    expect(third.jobs.map((r) => r.job.id)).toEqual([b.id, e.id]);
    const [turns, groups, zready, gin, inflight] = await Promise.all([
      redis.raw.zcard(`${base}turns`),
      redis.raw.scard(`${base}fgroups`),
      redis.raw.hget(`${base}flow`, 'zready'),
      redis.raw.hget(`${base}flow`, 'gin'),
      redis.raw.zcard(`${base}inflight`),
    ]);
    expect({ turns, groups, zready, gin, inflight }).toEqual({ turns: 0, groups: 0, zready: '0', gin: '1', inflight: 7 });
    expect(await redis.raw.hget(`${base}job:${a.id}`, 'fl')).toBe('');
  });

  it('a_reserve_of_many_over_many_groups_hands_out_what_as_many_single_reserves_do_and_leaves_the_same_state', async () => {
    const driver = await redis.driver();
    const groups = Array.from({ length: 40 }, (_, i) => `g${String(i).padStart(2, '0')}`);
    // Two jobs a group, some without a group, some with a priority; a third of the
    // groups paused and a few limited to one in flight (held back after one hand-out).
    async function fill(queue: string): Promise<void> {
      await driver.enqueueMany(
        [...groups, ...groups].map((group, i) => {
          const payload = new TextEncoder().encode(String(i));
          if (i % 13 === 5) return newJob(queue, { payload, ...(i % 2 === 0 ? {} : { priority: 3 }) });
          return newJob(queue, { payload, group, ...(i % 7 === 0 ? { priority: -1 } : {}) });
        }),
        T0,
      );
      for (const group of groups.filter((_, i) => i % 3 === 0)) await driver.pauseGroup(queue, group);
      for (const group of groups.filter((_, i) => i % 5 === 1)) await driver.setGroupLimits(queue, { concurrency: 1 }, group);
    }
    const ids = (result: { jobs: { job: { payload: Uint8Array; group?: string } }[] }) =>
      result.jobs.map((reserved) => `${reserved.job.group ?? '-'}:${Buffer.from(reserved.job.payload).toString()}`);
    const state = async (queue: string) => {
      const base = `${redis.prefix}:{${queue}}:`;
      return {
        turns: await redis.raw.zrange(`${base}turns`, 0, -1, 'WITHSCORES'),
        blocked: await redis.raw.zrange(`${base}gblocked`, 0, -1, 'WITHSCORES'),
        inflight: await redis.raw.hgetall(`${base}ginflight`),
        flow: await redis.raw.hmget(`${base}flow`, 'turn', 'gin', 'zready'),
        inflightCount: await redis.raw.zcard(`${base}inflight`),
      };
    };
    const batchedQueue = uniqueQueue();
    await fill(batchedQueue);
    const batched = ids(await driver.reserve({ queue: batchedQueue, limit: 45, ...lease }));
    const singleQueue = uniqueQueue();
    await fill(singleQueue);
    const oneByOne: string[] = [];
    for (let i = 0; i < 45; i++) oneByOne.push(...ids(await driver.reserve({ queue: singleQueue, limit: 1, ...lease })));
    expect(batched.length).toBeGreaterThan(30);
    expect(batched).toEqual(oneByOne);
    expect(await state(batchedQueue)).toEqual(await state(singleQueue));
    // What is left comes out the same way too. (The turn counter itself may
    // differ now: single reserves of a lone no-group group skip the turn order.)
    const rest = ids(await driver.reserve({ queue: batchedQueue, limit: 100, ...lease }));
    const restOneByOne: string[] = [];
    for (let i = 0; i < 100; i++) restOneByOne.push(...ids(await driver.reserve({ queue: singleQueue, limit: 1, ...lease })));
    expect(rest).toEqual(restOneByOne);
    const withoutTurn = async (queue: string) => ({ ...(await state(queue)), flow: (await state(queue)).flow.slice(1) });
    expect(await withoutTurn(batchedQueue)).toEqual(await withoutTurn(singleQueue));
  });

  it('released_jobs_go_to_the_head_of_their_priority_retried_ones_to_its_tail', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    const jobs = [newJob(queue, { group: 'g', priority: 1 }), newJob(queue, { group: 'g', priority: 1 }), newJob(queue, { group: 'g', priority: 1 })];
    await driver.enqueueMany(jobs, T0);
    const [first] = (await driver.reserve({ queue, limit: 1, ...lease })).jobs;
    await driver.release(first!.lease, T0);
    const [again] = (await driver.reserve({ queue, limit: 1, ...lease })).jobs;
    expect(again?.job.id).toBe(jobs[0]?.id);
    await driver.retry(again!.lease, { attempts: 1, failedAt: T0 }, T0);
    const rest = await driver.reserve({ queue, limit: 3, ...lease });
    expect(rest.jobs.map((r) => r.job.id)).toEqual([jobs[1]?.id, jobs[2]?.id, jobs[0]?.id]);
  });

  it('a_big_group_does_not_hold_back_small_ones', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    await driver.enqueueMany(Array.from({ length: 1000 }, () => newJob(queue, { group: 'big' })), T0);
    const small = Array.from({ length: 10 }, (_, g) => Array.from({ length: 10 }, () => newJob(queue, { group: `s${g}` }))).flat();
    await driver.enqueueMany(small, T0);
    const got = await driver.reserve({ queue, limit: 11, ...lease });
    expect(new Set(got.jobs.map((r) => r.job.group))).toEqual(new Set(['big', ...Array.from({ length: 10 }, (_, g) => `s${g}`)]));
  });

  it('snooze_counts_no_failure_and_keeps_priority_and_group', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    const job = newJob(queue, { group: 'g', priority: 2 });
    await driver.enqueue(job, T0);
    const [r] = (await driver.reserve({ queue, limit: 1, ...lease })).jobs;
    await driver.snooze(r!.lease, T0 + 500, T0 + 10);
    const stored = await driver.inspect({ queue, id: job.id });
    expect(stored).toMatchObject({ status: 'scheduled', attempts: 0, snoozes: 1, runAt: T0 + 500, group: 'g', priority: 2 });
    expect((await driver.reserve({ queue, limit: 1, leaseMs: 1000, now: T0 + 499 })).jobs).toHaveLength(0);
    const [back] = (await driver.reserve({ queue, limit: 1, leaseMs: 1000, now: T0 + 500 })).jobs;
    expect(back?.job).toMatchObject({ id: job.id, snoozes: 1, group: 'g', priority: 2 });
  });

  it('enqueue_refuses_a_bad_priority_or_group_and_stores_nothing', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    await expect(driver.enqueue(newJob(queue, { priority: 1.5 }), T0)).rejects.toBeInstanceOf(ValidationError);
    await expect(driver.enqueue(newJob(queue, { group: 'a b' }), T0)).rejects.toBeInstanceOf(ValidationError);
    expect(await redis.raw.keys(`${redis.prefix}:{${queue}}:*`)).toEqual([]);
  });
});
