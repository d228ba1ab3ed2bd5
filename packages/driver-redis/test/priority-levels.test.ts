import { DEFAULT_MAX_ATTEMPTS } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import type { RedisDriver } from '../src/index.js';
import { newJob, SKIP_REDIS, T0, uniqueQueue, useRedisFile } from './support/redis-env.js';

/**
 * Jobs without a group at a priority other than 0 wait in one list per
 * level (`pready:<p>`) with the levels in use in `plevels`; these cases pin
 * the order across and within levels and the structures after each outcome.
 */
describe.skipIf(SKIP_REDIS)('priority levels (Redis)', () => {
  const redis = useRedisFile('priority-levels');
  const lease = { leaseMs: 60_000, now: T0 };

  async function layout(queue: string): Promise<{ levels: string[]; lists: Record<string, string[]>; zready: number; ready: string[] }> {
    const base = `${redis.prefix}:{${queue}}:`;
    const levels = await redis.raw.zrange(`${base}plevels`, 0, -1);
    const lists: Record<string, string[]> = {};
    for (const level of levels) lists[level] = await redis.raw.lrange(`${base}pready:${level}`, 0, -1);
    const zready = Number((await redis.raw.hget(`${base}flow`, 'zready')) ?? 0);
    return { levels, lists, zready, ready: await redis.raw.lrange(`${base}ready`, 0, -1) };
  }

  async function reserveIds(driver: RedisDriver, queue: string, limit: number, now = T0, leaseMs = 60_000): Promise<string[]> {
    return (await driver.reserve({ queue, limit, leaseMs, now })).jobs.map((r) => r.job.id);
  }

  it('levels_go_lowest_first_with_priority_0_in_the_ready_list_and_each_level_fifo', async () => {
    const driver = await redis.driver();
    for (const limit of [1, 3, 20]) {
      const queue = uniqueQueue();
      const jobs = [3, -2, 0, 1, -2, 3, 0, 1, -7].map((priority) => newJob(queue, priority === 0 ? {} : { priority }));
      // One bulk enqueue and single ones after it: each level's list keeps the enqueue order.
      await driver.enqueueMany(jobs.slice(0, 6), T0);
      for (const job of jobs.slice(6)) await driver.enqueue(job, T0);
      const [p3a, m2a, z0a, p1a, m2b, p3b, z0b, p1b, m7] = jobs.map((job) => job.id);
      expect(await layout(queue)).toEqual({
        levels: ['-7', '-2', '1', '3'],
        lists: { '-7': [m7], '-2': [m2a, m2b], '1': [p1a, p1b], '3': [p3a, p3b] },
        zready: 7,
        ready: [z0a, z0b],
      });
      const order: string[] = [];
      for (;;) {
        const ids = await reserveIds(driver, queue, limit);
        if (ids.length === 0) break;
        order.push(...ids);
      }
      expect(order).toEqual([m7, m2a, m2b, z0a, z0b, p1a, p1b, p3a, p3b]);
      expect(await layout(queue)).toEqual({ levels: [], lists: {}, zready: 0, ready: [] });
      expect(await redis.raw.zcard(`${redis.prefix}:{${queue}}:turns`)).toBe(0);
    }
  });

  it('a_released_job_goes_first_within_its_level_and_after_lower_levels', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    const [a, b, c] = [newJob(queue, { priority: 4 }), newJob(queue, { priority: 4 }), newJob(queue, { priority: 4 })];
    await driver.enqueueMany([a, b, c], T0);
    const got = await driver.reserve({ queue, limit: 2, ...lease });
    expect(got.jobs.map((r) => r.job.id)).toEqual([a.id, b.id]);
    const low = newJob(queue, { priority: 1 });
    await driver.enqueue(low, T0);
    await driver.release(got.jobs[1]!.lease, T0);
    await driver.release(got.jobs[0]!.lease, T0);
    expect((await layout(queue)).lists).toEqual({ '1': [low.id], '4': [a.id, b.id, c.id] });
    expect(await reserveIds(driver, queue, 10)).toEqual([low.id, a.id, b.id, c.id]);
  });

  it('a_held_back_job_goes_first_within_its_level', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    const [a, b] = [newJob(queue, { priority: -1 }), newJob(queue, { priority: -1 })];
    await driver.enqueueMany([a, b], T0);
    const got = await driver.reserve({ queue, limit: 1, ...lease });
    await driver.holdBack(got.jobs[0]!.lease, T0 + 10, T0);
    expect((await layout(queue)).lists).toEqual({ '-1': [a.id, b.id] });
    expect(await reserveIds(driver, queue, 10, T0 + 10)).toEqual([a.id, b.id]);
  });

  it('retried_and_reclaimed_jobs_keep_their_level_at_its_tail', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    const [a, b, c, plain] = [newJob(queue, { priority: 2 }), newJob(queue, { priority: 2 }), newJob(queue, { priority: 2 }), newJob(queue)];
    await driver.enqueueMany([a, b, c, plain], T0);
    const first = await driver.reserve({ queue, limit: 2, leaseMs: 100, now: T0 });
    expect(first.jobs.map((r) => r.job.id)).toEqual([plain.id, a.id]);
    await driver.ack(first.jobs[0]!.lease, T0);
    await driver.retry(first.jobs[1]!.lease, { attempts: 1, failedAt: T0 }, T0);
    expect((await layout(queue)).lists).toEqual({ '2': [b.id, c.id, a.id] });
    const second = await driver.reserve({ queue, limit: 1, leaseMs: 100, now: T0 });
    expect(second.jobs.map((r) => r.job.id)).toEqual([b.id]);
    // The lease on b expires: the next reserve reclaims it to the tail of level 2.
    const third = await driver.reserve({ queue, limit: 1, leaseMs: 100, now: T0 + 500 });
    expect(third.jobs.map((r) => r.job.id)).toEqual([c.id]);
    expect((await layout(queue)).lists).toEqual({ '2': [a.id, b.id] });
    const rest = await driver.reserve({ queue, limit: 5, leaseMs: 100, now: T0 + 500 });
    expect(rest.jobs.map((r) => [r.job.id, r.job.priority, r.job.reclaims])).toEqual([
      [a.id, 2, 0],
      [b.id, 2, 1],
    ]);
  });

  it('a_scheduled_job_joins_its_level_when_due', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    const [late, now] = [newJob(queue, { priority: 5, runAt: T0 + 50 }), newJob(queue, { priority: 5 })];
    await driver.enqueueMany([late, now], T0);
    expect((await layout(queue)).lists).toEqual({ '5': [now.id] });
    expect(await reserveIds(driver, queue, 5, T0 + 60)).toEqual([now.id, late.id]);
  });

  it('cancel_and_remove_take_a_job_out_of_its_level_list_and_an_emptied_level_leaves_plevels', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    const [a, b, c] = [newJob(queue, { priority: 1 }), newJob(queue, { priority: 1 }), newJob(queue, { priority: 9 })];
    await driver.enqueueMany([a, b, c], T0);
    await driver.cancel({ queue, id: b.id }, { now: T0 });
    expect(await layout(queue)).toMatchObject({ levels: ['1', '9'], lists: { '1': [a.id], '9': [c.id] }, zready: 2 });
    await driver.remove({ queue, id: c.id });
    expect(await layout(queue)).toMatchObject({ levels: ['1'], lists: { '1': [a.id] }, zready: 1 });
    await driver.remove({ queue, id: a.id });
    expect(await layout(queue)).toEqual({ levels: [], lists: {}, zready: 0, ready: [] });
    expect(await redis.raw.exists(`${redis.prefix}:{${queue}}:pready:1`)).toBe(0);
    // The no-group group has no work left, so it left the turn order too.
    expect(await redis.raw.zcard(`${redis.prefix}:{${queue}}:turns`)).toBe(0);
    expect((await driver.counts(queue)).ready).toBe(0);
    expect(await reserveIds(driver, queue, 5)).toEqual([]);
  });

  it('purge_of_ready_jobs_empties_level_lists_by_filter_and_limit_and_keeps_plevels_exact', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    const jobs = Array.from({ length: 12 }, (_, i) =>
      newJob(queue, { priority: i % 3 === 0 ? -1 : 6, type: i % 2 === 0 ? 'even' : 'odd', createdAt: T0 - 1000 + i }),
    );
    await driver.enqueueMany([...jobs, newJob(queue, { type: 'even' })], T0);
    // A type filter walks the windows; the odd jobs stay, in order.
    expect(await driver.purge(queue, { status: 'ready', type: 'even' })).toBe(7);
    const odd = jobs.filter((_, i) => i % 2 === 1);
    expect(await layout(queue)).toEqual({
      levels: ['-1', '6'],
      lists: { '-1': odd.filter((_, i) => i % 3 === 1).map((j) => j.id), '6': odd.filter((_, i) => i % 3 !== 1).map((j) => j.id) },
      zready: 6,
      ready: [],
    });
    // A limit stops part way through the levels, lowest level first.
    expect(await driver.purge(queue, { status: 'ready', limit: 3 })).toBe(3);
    expect(await layout(queue)).toMatchObject({ levels: ['6'], zready: 3 });
    expect(await driver.purge(queue, { status: 'ready' })).toBe(3);
    expect(await layout(queue)).toEqual({ levels: [], lists: {}, zready: 0, ready: [] });
    expect((await driver.counts(queue)).ready).toBe(0);
  });

  it('a_level_longer_than_one_purge_step_is_purged_in_steps', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    const jobs = Array.from({ length: 2500 }, (_, i) => newJob(queue, { priority: 3, type: i % 5 === 0 ? 'keep' : 'drop' }));
    await driver.enqueueMany(jobs, T0);
    expect(await driver.purge(queue, { status: 'ready', type: 'drop' })).toBe(2000);
    expect(await layout(queue)).toMatchObject({ levels: ['3'], zready: 500 });
    expect((await layout(queue)).lists['3']).toEqual(jobs.filter((_, i) => i % 5 === 0).map((j) => j.id));
  });

  it('levels_and_groups_share_the_turn_order_as_before', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    const [p, g1, q, g2] = [newJob(queue, { priority: 3 }), newJob(queue, { group: 'g' }), newJob(queue, { priority: -3 }), newJob(queue, { group: 'g' })];
    await driver.enqueueMany([p, g1, q, g2], T0);
    // The no-group group (its first job came first) and group g take turns; within no-group, -3 before 3.
    expect(await reserveIds(driver, queue, 10)).toEqual([q.id, g1.id, p.id, g2.id]);
    expect(await layout(queue)).toEqual({ levels: [], lists: {}, zready: 0, ready: [] });
  });

  it('a_usual_priority_job_comes_back_whole_with_or_without_max_attempts_and_one_with_more_fields_too', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    const base = `${redis.prefix}:{${queue}}:`;
    const [plain, limited, timed, retried] = [
      newJob(queue, { priority: 2, maxAttempts: DEFAULT_MAX_ATTEMPTS }),
      newJob(queue, { priority: 2, maxAttempts: 4 }),
      newJob(queue, { priority: 2, maxAttempts: DEFAULT_MAX_ATTEMPTS }),
      newJob(queue, { priority: 2, maxAttempts: 4 }),
    ];
    await driver.enqueueMany([plain, limited, timed, retried], T0);
    expect(await redis.raw.hlen(`${base}job:${plain.id}`)).toBe(4);
    expect(await redis.raw.hlen(`${base}job:${limited.id}`)).toBe(5);
    // As many fields as a usual job with max_attempts, or with it and a group, but another field in their place.
    await redis.raw.hset(`${base}job:${timed.id}`, 'timeout_nano', String(4000 * 1e6));
    await redis.raw.hset(`${base}job:${retried.id}`, 'reclaims', '2');
    expect(await redis.raw.hlen(`${base}job:${timed.id}`)).toBe(5);
    expect(await redis.raw.hlen(`${base}job:${retried.id}`)).toBe(6);

    const { jobs } = await driver.reserve({ queue, limit: 10, ...lease });
    expect(jobs.map((r) => [r.job.id, r.job.queue, r.job.status, r.job.priority, r.job.maxAttempts, r.job.timeoutMs, r.job.reclaims])).toEqual([
      [plain.id, queue, 'inflight', 2, DEFAULT_MAX_ATTEMPTS, undefined, 0],
      [limited.id, queue, 'inflight', 2, 4, undefined, 0],
      [timed.id, queue, 'inflight', 2, DEFAULT_MAX_ATTEMPTS, 4000, 0],
      [retried.id, queue, 'inflight', 2, 4, undefined, 2],
    ]);
    for (const r of jobs) expect(r.job.payload).toEqual(plain.payload);
  });
});
