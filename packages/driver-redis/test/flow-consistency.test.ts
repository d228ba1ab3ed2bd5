import type { Lease } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import type { RedisDriver } from '../src/index.js';
import { newJob, scanKeys, SKIP_REDIS, T0, uniqueQueue, useRedisFile } from './support/redis-env.js';

/** A small deterministic generator, so a failing run repeats. */
function generator(seed: number): (n: number) => number {
  let state = seed >>> 0;
  return (n) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state % n;
  };
}

const GROUPS = ['a', 'b', 'c', undefined] as const;

/**
 * The flow structures against the jobs themselves, after random operations:
 * per-group in-flight counts and their total, the ready count, each ready
 * job in exactly the structure its priority and group name, and every group
 * with runnable work reachable from the turn order, the held-back set or
 * the pause set.
 */
describe.skipIf(SKIP_REDIS)('flow control consistency (Redis)', () => {
  const redis = useRedisFile('flow-consistency');

  /** HMGET of `fields` for each id, in one pipeline. */
  async function fieldsOf(base: string, ids: readonly string[], fields: readonly string[]): Promise<(string | null)[][]> {
    const pipeline = redis.raw.pipeline();
    for (const id of ids) pipeline.hmget(`${base}job:${id}`, ...fields);
    const replies = (await pipeline.exec()) ?? [];
    return replies.map(([error, value]) => {
      if (error) throw error;
      return value as (string | null)[];
    });
  }

  async function check(driver: RedisDriver, queue: string): Promise<void> {
    const base = `${redis.prefix}:{${queue}}:`;
    const raw = redis.raw;
    const [inflight, stored, gin, listed, groups, turnList, blockedList, pausedList, levelList, ...sets] = (await raw
      .multi()
      .zrange(`${base}inflight`, 0, -1)
      .hgetall(`${base}ginflight`)
      .hget(`${base}flow`, 'gin')
      .lrange(`${base}ready`, 0, -1)
      .smembers(`${base}fgroups`)
      .zrange(`${base}turns`, 0, -1)
      .zrange(`${base}gblocked`, 0, -1)
      .smembers(`${base}gpaused`)
      .zrange(`${base}plevels`, 0, -1, 'WITHSCORES')
      .zrange(`${base}fready:a`, 0, -1, 'WITHSCORES')
      .zrange(`${base}fready:b`, 0, -1, 'WITHSCORES')
      .zrange(`${base}fready:c`, 0, -1, 'WITHSCORES')
      .exec()
      .then((replies) => (replies ?? []).map(([, value]) => value))) as [
      string[],
      Record<string, string>,
      string | null,
      string[],
      string[],
      string[],
      string[],
      string[],
      string[],
      ...string[][],
    ];
    const byGroup = new Map<string, number>();
    const flights = await fieldsOf(base, inflight, ['group', 'fl']);
    inflight.forEach((id, i) => {
      const [group, fl] = flights[i] as [string | null, string | null];
      expect(fl, `in-flight job ${id} carries its flow group`).toBe(group ?? '');
      if (group !== null) byGroup.set(group, (byGroup.get(group) ?? 0) + 1);
    });
    expect(Object.fromEntries(Object.entries(stored).map(([g, n]) => [g, Number(n)]))).toEqual(Object.fromEntries(byGroup));
    const total = [...byGroup.values()].reduce((sum, n) => sum + n, 0);
    expect(Number(gin ?? 0)).toBe(total);

    const members: { id: string; group: string; priority: number }[] = [];
    ['a', 'b', 'c'].forEach((group, g) => {
      const set = sets[g] as string[];
      expect(groups.includes(group)).toBe(set.length > 0);
      for (let i = 0; i < set.length; i += 2) members.push({ id: (set[i] as string).slice(16), group, priority: Number(set[i + 1]) });
    });
    // Jobs without a group at a priority other than 0: one list per level, each level in plevels exactly while its list holds jobs.
    expect(groups).not.toContain('');
    expect(await raw.exists(`${base}fready:`)).toBe(0);
    const levelKeys = (await scanKeys(raw, `${base}pready:`)).sort();
    const levels = levelList.filter((_, i) => i % 2 === 0);
    levelList.forEach((value, i) => {
      if (i % 2 === 1) expect(value).toBe(levelList[i - 1]);
    });
    expect(levels.map((level) => `${base}pready:${level}`).sort()).toEqual(levelKeys);
    for (const level of levels) {
      expect(level).not.toBe('0');
      const ids = await raw.lrange(`${base}pready:${level}`, 0, -1);
      expect(ids.length).toBeGreaterThan(0);
      for (const id of ids) members.push({ id, group: '', priority: Number(level) });
    }
    expect(Number((await raw.hget(`${base}flow`, 'zready')) ?? 0)).toBe(members.length);
    const counts = await driver.counts(queue);
    expect(counts.ready).toBe(listed.length + members.length);
    for (const fields of await fieldsOf(base, listed, ['status', 'group', 'priority'])) expect(fields).toEqual(['ready', null, null]);
    const memberFields = await fieldsOf(
      base,
      members.map((m) => m.id),
      ['status', 'group', 'priority'],
    );
    members.forEach((member, i) => {
      const [status, group, priority] = memberFields[i] as [string | null, string | null, string | null];
      expect(status).toBe('ready');
      expect(group ?? '').toBe(member.group);
      expect(Number(priority ?? 0)).toBe(member.priority);
    });
    const turns = new Set(turnList);
    const blocked = new Set(blockedList);
    const paused = new Set(pausedList);
    const withWork = new Set(members.map((m) => m.group));
    if (listed.length > 0) withWork.add('');
    for (const group of withWork) {
      expect(turns.has(group) || blocked.has(group) || paused.has(group), `group "${group}" with work is reachable`).toBe(true);
    }
  }

  it('counts_and_orders_stay_exact_through_random_operations', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    const random = generator(18);
    await driver.setGroupLimits(queue, { concurrency: 2 });
    await driver.setGroupLimits(queue, { concurrency: 1 }, 'c');
    await driver.setQueueLimits(queue, { concurrency: 6 });
    let now = T0;
    const leases: Lease[] = [];
    const waiting: string[] = [];
    let handedOut = 0;
    let sawBlocked = false;
    for (let step = 0; step < 200; step++) {
      const op = random(12);
      if (op <= 2) {
        const jobs = Array.from({ length: 1 + random(4) }, () => {
          const group = GROUPS[random(GROUPS.length)];
          const priority = random(3) === 0 ? random(5) - 2 : undefined;
          return newJob(queue, { ...(group === undefined ? {} : { group }), ...(priority === undefined ? {} : { priority }), ...(random(5) === 0 ? { runAt: now + 50 } : {}) });
        });
        await driver.enqueueMany(jobs, now);
        waiting.push(...jobs.map((job) => job.id));
      } else if (op <= 4) {
        const got = await driver.reserve({ queue, limit: 1 + random(4), leaseMs: 100, now });
        leases.push(...got.jobs.map((r) => r.lease));
        handedOut += got.jobs.length;
        sawBlocked ||= (await redis.raw.zcard(`${redis.prefix}:{${queue}}:gblocked`)) > 0;
      } else if (op <= 9 && leases.length > 0) {
        const lease = leases.splice(random(leases.length), 1)[0]!;
        const outcome = [
          () => driver.ack(lease, now),
          () => driver.retry(lease, { attempts: 1, failedAt: now }, now),
          () => driver.release(lease, now),
          () => driver.snooze(lease, now + random(2) * 30, now),
          () => driver.holdBack(lease, now + 20, now),
          () => driver.fail(lease, { attempts: 1, failedAt: now, reason: 'x' }, now),
        ][random(6)]!;
        // A lease that expired meanwhile is refused; the reclaim already freed its slot.
        await outcome().catch((error: Error) => expect(error.name).toMatch(/LeaseExpired/));
      } else if (op === 10 && waiting.length > 0) {
        const id = waiting.splice(random(waiting.length), 1)[0]!;
        const action = random(3);
        const done = action === 0 ? driver.cancel({ queue, id }, { now }) : action === 1 ? driver.remove({ queue, id }) : driver.pauseGroup(queue, 'b');
        await (done as Promise<unknown>).catch((error: Error) => expect(error.name).toMatch(/JobState|InvalidJobState|NotFound|JobNotFound/));
      } else if (op === 11) {
        if (random(2) === 0) await driver.resumeGroup(queue, 'b');
        now += 1 + random(60);
      }
      await check(driver, queue);
    }
    // The run did exercise the limits: jobs went out and some group waited for a slot.
    expect(handedOut).toBeGreaterThan(30);
    expect(sawBlocked).toBe(true);
  });

  it('purge_of_ready_jobs_empties_every_group_set_and_keeps_counts_exact', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    await driver.enqueueMany(
      [newJob(queue), newJob(queue, { priority: 3 }), newJob(queue, { group: 'a' }), newJob(queue, { group: 'b', priority: -1 })],
      T0,
    );
    expect(await driver.purge(queue, { status: 'ready', limit: 3 })).toBe(3);
    await check(driver, queue);
    expect((await driver.counts(queue)).ready).toBe(1);
    expect(await driver.purge(queue, { status: 'ready' })).toBe(1);
    await check(driver, queue);
    expect((await driver.reserve({ queue, limit: 5, leaseMs: 100, now: T0 })).jobs).toHaveLength(0);
  });

  it('every_key_of_a_flow_queue_carries_the_queue_hash_tag', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    await driver.setQueueLimits(queue, { concurrency: 5, rate: { max: 10, perMs: 1000 } });
    await driver.setGroupLimits(queue, { rate: { max: 1, perMs: 1000 } });
    await driver.enqueueMany([newJob(queue, { group: 'a' }), newJob(queue, { group: 'a' }), newJob(queue, { priority: 1 })], T0);
    await driver.pauseGroup(queue, 'z');
    const got = await driver.reserve({ queue, limit: 5, leaseMs: 100, now: T0 });
    await driver.holdBack(got.jobs[0]!.lease, T0 + 10, T0);
    const keys = await scanKeys(redis.raw, `${redis.prefix}:`);
    const own = keys.filter((key) => key.includes(`{${queue}}`));
    expect(own.length).toBeGreaterThan(8);
    for (const key of own) expect(key.startsWith(`${redis.prefix}:{${queue}}:`)).toBe(true);
  });
});
