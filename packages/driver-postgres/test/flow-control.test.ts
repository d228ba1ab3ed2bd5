import { ValidationError } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import type { PostgresDriver } from '../src/index.js';
import { LOCKED_RECHECK_MS } from '../src/reserve-operation.js';
import { channelName } from '../src/schema-name.js';
import { newJob, SKIP_POSTGRES, T0, uniqueQueue, usePostgresFile } from './support/postgres-env.js';

const LEASE = 60_000;

/** The group (or '-' for none) of each job a reserve handed out, in order. */
function groupsOf(result: { jobs: { job: { group?: string } }[] }): string[] {
  return result.jobs.map((reserved) => reserved.job.group ?? '-');
}

describe.skipIf(SKIP_POSTGRES)('flow control on PostgreSQL', () => {
  const file = usePostgresFile('flow');

  async function inflightByGroup(queue: string): Promise<Map<string, number>> {
    const { rows } = await file.pool.query<{ group_name: string | null; n: number }>(
      `SELECT group_name, count(*)::int AS n FROM "${file.schema}".jobs WHERE queue = $1 AND status = 'inflight' GROUP BY group_name`,
      [queue],
    );
    return new Map(rows.map((row) => [row.group_name ?? '-', row.n]));
  }

  it('groups_are_served_in_turn_with_single_and_batched_reserves', async () => {
    const driver = await file.driver();
    for (const limit of [1, 7]) {
      const queue = uniqueQueue();
      for (const group of ['A', 'A', 'A', 'B', 'B', 'B', 'C']) await driver.enqueue(newJob(queue, { group }), T0);
      const order: string[] = [];
      while (order.length < 7) {
        const batch = await driver.reserve({ queue, limit, leaseMs: LEASE, now: T0 });
        expect(batch.jobs.length).toBeGreaterThan(0);
        order.push(...groupsOf(batch));
      }
      expect(order).toEqual(['A', 'B', 'C', 'A', 'B', 'A', 'B']);
    }
  });

  it('a_round_over_more_groups_than_one_page_skips_paused_ones_and_keeps_the_turn_order', async () => {
    const driver = await file.driver();
    const queue = uniqueQueue();
    const groups = Array.from({ length: 40 }, (_, i) => `g${String(i).padStart(2, '0')}`);
    await driver.enqueueMany(
      [...groups, ...groups].map((group, i) => (i % 13 === 5 ? newJob(queue) : newJob(queue, { group }))),
      T0,
    );
    const paused = groups.filter((_, i) => i % 3 === 0);
    for (const group of paused) await driver.pauseGroup(queue, group);
    const batched = groupsOf(await driver.reserve({ queue, limit: 45, leaseMs: LEASE, now: T0 }));
    // The same hand-outs one at a time, on a copy of the queue.
    const single = uniqueQueue();
    await driver.enqueueMany(
      [...groups, ...groups].map((group, i) => (i % 13 === 5 ? newJob(single) : newJob(single, { group }))),
      T0,
    );
    for (const group of paused) await driver.pauseGroup(single, group);
    const oneByOne: string[] = [];
    for (let i = 0; i < 45; i++) oneByOne.push(...groupsOf(await driver.reserve({ queue: single, limit: 1, leaseMs: LEASE, now: T0 })));
    expect(batched).toEqual(oneByOne);
    // Round one: every group that can go once, by its first job's place (the
    // jobs without a group by their head's), then the groups whose first job
    // came in the second half; round two starts over from the front.
    const firstRound = groups.flatMap((group, i) => {
      if (i === 5) return ['-'];
      return i % 13 === 5 || paused.includes(group) ? [] : [group];
    });
    expect(batched.slice(0, 27)).toEqual([...firstRound, 'g05', 'g31']);
    expect(batched.slice(27, 30)).toEqual(['g01', 'g02', '-']);
    expect(batched.filter((group) => paused.includes(group))).toEqual([]);
  });

  it('jobs_without_a_group_take_a_turn_and_a_big_group_holds_back_no_small_one', async () => {
    const driver = await file.driver();
    const mixed = uniqueQueue();
    await driver.enqueueMany(
      [undefined, undefined, 'A', 'A', undefined, 'B'].map((group) => newJob(mixed, group === undefined ? {} : { group })),
      T0,
    );
    expect(groupsOf(await driver.reserve({ queue: mixed, limit: 6, leaseMs: LEASE, now: T0 }))).toEqual(['-', 'A', 'B', '-', 'A', '-']);

    const queue = uniqueQueue();
    await driver.enqueueMany(Array.from({ length: 1_000 }, () => newJob(queue, { group: 'big' })), T0);
    const small = Array.from({ length: 10 }, (_, i) => `small-${i}`);
    await driver.enqueueMany(
      small.flatMap((group) => Array.from({ length: 10 }, () => newJob(queue, { group }))),
      T0,
    );
    const first = groupsOf(await driver.reserve({ queue, limit: 11, leaseMs: LEASE, now: T0 }));
    expect(new Set(first)).toEqual(new Set(['big', ...small]));
  });

  it('priority_orders_within_a_group_and_a_released_job_heads_its_priority', async () => {
    const driver = await file.driver();
    const queue = uniqueQueue();
    const low = newJob(queue, { priority: 5 });
    const plain = newJob(queue);
    const urgent = newJob(queue, { priority: -3 });
    const plain2 = newJob(queue);
    await driver.enqueueMany([low, plain, urgent, plain2], T0);
    const first = await driver.reserve({ queue, limit: 2, leaseMs: LEASE, now: T0 });
    expect(first.jobs.map((r) => r.job.id)).toEqual([urgent.id, plain.id]);
    await driver.release(first.jobs[1]?.lease as never, T0 + 1);
    const next = await driver.reserve({ queue, limit: 3, leaseMs: LEASE, now: T0 + 2 });
    expect(next.jobs.map((r) => r.job.id)).toEqual([plain.id, plain2.id, low.id]);
    expect(next.jobs[2]?.job.priority).toBe(5);
    expect(await driver.inspect({ queue, id: plain.id })).not.toHaveProperty('priority');
  });

  it('a_queue_with_priorities_only_is_reserved_without_the_flow_lock_and_a_limit_takes_it_back_to_the_lock', async () => {
    const driver = await file.driver();
    const queue = uniqueQueue();
    const jobs = [3, 0, -2, 0, 3, -2].map((priority) => newJob(queue, { priority }));
    const due = newJob(queue, { priority: -5, runAt: T0 + 10 });
    await driver.enqueueMany([...jobs, due], T0);
    const ids = (result: { jobs: { job: { id: string } }[] }) => result.jobs.map((r) => r.job.id);
    // Another session holds the queue's flow lock: the locked reserve would wait for it.
    const blocker = await file.pool.connect();
    const lockKey = [`${channelName(file.schema)} flow ${queue}`];
    try {
      await blocker.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', lockKey);
      expect(ids(await driver.reserve({ queue, limit: 3, leaseMs: LEASE, now: T0 }))).toEqual([jobs[2]?.id, jobs[5]?.id, jobs[1]?.id]);
      // The due job joins by its priority, ahead of the rest; a released job heads its priority.
      const next = await driver.reserve({ queue, limit: 2, leaseMs: LEASE, now: T0 + 10 });
      expect(ids(next)).toEqual([due.id, jobs[3]?.id]);
      await driver.release(next.jobs[1]?.lease as never, T0 + 11);
      expect(ids(await driver.reserve({ queue, limit: 5, leaseMs: LEASE, now: T0 + 12 }))).toEqual([jobs[3]?.id, jobs[0]?.id, jobs[4]?.id]);
    } finally {
      await blocker.query('SELECT pg_advisory_unlock_all()');
    }

    // A limit sends the queue to the locked reserve, which counts what the lock-free one leased.
    await driver.enqueueMany([newJob(queue, { priority: 1 }), newJob(queue, { priority: 1 })], T0 + 13);
    await driver.setQueueLimits(queue, { concurrency: 8 });
    expect((await driver.reserve({ queue, limit: 5, leaseMs: LEASE, now: T0 + 14 })).jobs).toHaveLength(1);
    // Cleared, it comes back to the lock-free reserve once the driver asks again.
    await driver.setQueueLimits(queue, {});
    try {
      await blocker.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', lockKey);
      expect((await driver.reserve({ queue, limit: 5, leaseMs: LEASE, now: T0 + 14 + LOCKED_RECHECK_MS })).jobs).toHaveLength(1);
    } finally {
      await blocker.query('SELECT pg_advisory_unlock_all()');
      blocker.release();
    }
  });

  it('four_drivers_reserving_at_once_never_exceed_a_group_concurrency_of_two', async () => {
    const drivers = await Promise.all([file.driver(), file.driver(), file.driver(), file.driver()]);
    const admin = drivers[0] as PostgresDriver;
    const queue = uniqueQueue();
    const groups = ['g0', 'g1', 'g2', 'g3', 'g4'];
    await admin.setGroupLimits(queue, { concurrency: 2 });
    await admin.enqueueMany(
      Array.from({ length: 100 }, (_, i) => newJob(queue, { group: groups[i % groups.length] })),
      T0,
    );
    let acked = 0;
    for (let round = 0; round < 6; round++) {
      const now = T0 + round;
      const batches = await Promise.all(
        Array.from({ length: 8 }, (_, i) => (drivers[i % 4] as PostgresDriver).reserve({ queue, limit: 3, leaseMs: LEASE, now })),
      );
      const counts = await inflightByGroup(queue);
      for (const group of groups) expect(counts.get(group)).toBe(2);
      // Ack half of what is in flight, concurrently from every driver.
      const leases = batches.flatMap((batch) => batch.jobs.map((reserved) => reserved.lease));
      await Promise.all(leases.slice(0, 5).map((lease, i) => (drivers[i % 4] as PostgresDriver).ack(lease, now)));
      acked += Math.min(5, leases.length);
    }
    expect(acked).toBeGreaterThan(0);
    const counts = await inflightByGroup(queue);
    for (const group of groups) expect(counts.get(group) ?? 0).toBeLessThanOrEqual(2);
  });

  it('queue_concurrency_holds_across_drivers_and_frees_on_ack_and_on_lease_expiry', async () => {
    const drivers = await Promise.all([file.driver(), file.driver(), file.driver(), file.driver()]);
    const queue = uniqueQueue();
    await (drivers[1] as PostgresDriver).setQueueLimits(queue, { concurrency: 3 });
    await (drivers[0] as PostgresDriver).enqueueMany(Array.from({ length: 40 }, () => newJob(queue)), T0);
    const batches = await Promise.all(
      drivers.map((driver) => driver.reserve({ queue, limit: 10, leaseMs: 1_000, now: T0 })),
    );
    const taken = batches.flatMap((batch) => batch.jobs);
    expect(taken).toHaveLength(3);
    await (drivers[2] as PostgresDriver).ack(taken[0]?.lease as never, T0 + 10);
    const more = await (drivers[3] as PostgresDriver).reserve({ queue, limit: 10, leaseMs: 1_000, now: T0 + 10 });
    expect(more.jobs).toHaveLength(1);
    // Every lease expires at T0 + 1000 / T0 + 1010: they are reclaimed and their slots taken again.
    const later = await (drivers[0] as PostgresDriver).reserve({ queue, limit: 10, leaseMs: 1_000, now: T0 + 2_000 });
    expect(later.jobs).toHaveLength(3);
    expect((await (drivers[0] as PostgresDriver).counts(queue)).inflight).toBe(3);
  });

  it('a_rate_limit_holds_across_drivers_and_its_window_slides', async () => {
    const drivers = await Promise.all([file.driver(), file.driver(), file.driver(), file.driver()]);
    const driver = drivers[0] as PostgresDriver;
    const queue = uniqueQueue();
    await driver.setQueueLimits(queue, { rate: { max: 3, perMs: 1_000 } });
    await driver.enqueueMany(Array.from({ length: 20 }, () => newJob(queue)), T0);
    const batches = await Promise.all(drivers.map((d) => d.reserve({ queue, limit: 2, leaseMs: LEASE, now: T0 })));
    expect(batches.reduce((sum, batch) => sum + batch.jobs.length, 0)).toBe(3);
    const blocked = await driver.reserve({ queue, limit: 5, leaseMs: LEASE, now: T0 + 999 });
    expect(blocked.jobs).toHaveLength(0);
    expect(blocked.nextDueAt).toBe(T0 + 1_000);
    expect((await driver.reserve({ queue, limit: 5, leaseMs: LEASE, now: T0 + 1_000 })).jobs).toHaveLength(3);
    expect((await driver.reserve({ queue, limit: 5, leaseMs: LEASE, now: T0 + 2_000 })).jobs).toHaveLength(3);
    const { rows } = await file.pool.query(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE started_at <= $2)::int AS old FROM "${file.schema}".flow_starts WHERE queue = $1`,
      [queue, T0],
    );
    // Starts are kept for two windows: those at T0 left the log at T0 + 2,000.
    expect(rows[0]).toEqual({ n: 6, old: 0 });
  });

  it('a_reserve_that_runs_late_with_an_earlier_now_still_counts_every_start_in_its_window', async () => {
    const [early, late] = await Promise.all([file.driver(), file.driver()]);
    const queue = uniqueQueue();
    await early.setQueueLimits(queue, { rate: { max: 3, perMs: 1_000 } });
    await early.enqueueMany(Array.from({ length: 10 }, () => newJob(queue)), T0);
    expect((await early.reserve({ queue, limit: 3, leaseMs: LEASE, now: T0 })).jobs).toHaveLength(3);
    // One worker reserves at T0 + 1,000 (the starts at T0 just left its window)...
    expect((await late.reserve({ queue, limit: 1, leaseMs: LEASE, now: T0 + 1_000 })).jobs).toHaveLength(1);
    // ...and another whose now was taken a millisecond earlier runs after it: the window ending at
    // T0 + 999 already holds the three starts at T0, so it may start nothing.
    const lagging = await early.reserve({ queue, limit: 3, leaseMs: LEASE, now: T0 + 999 });
    expect(lagging.jobs).toHaveLength(0);
    expect(lagging.nextDueAt).toBeGreaterThan(T0 + 999);
  });

  it('the_sliding_window_of_the_contract', async () => {
    const driver = await file.driver();
    const queue = uniqueQueue();
    await driver.setQueueLimits(queue, { rate: { max: 3, perMs: 1_000 } });
    await driver.enqueueMany(Array.from({ length: 10 }, () => newJob(queue)), T0);
    expect((await driver.reserve({ queue, limit: 2, leaseMs: LEASE, now: T0 })).jobs).toHaveLength(2);
    expect((await driver.reserve({ queue, limit: 5, leaseMs: LEASE, now: T0 + 500 })).jobs).toHaveLength(1);
    const held = await driver.reserve({ queue, limit: 5, leaseMs: LEASE, now: T0 + 999 });
    expect(held.jobs).toHaveLength(0);
    expect(held.nextDueAt).toBe(T0 + 1_000);
    expect((await driver.reserve({ queue, limit: 5, leaseMs: LEASE, now: T0 + 1_000 })).jobs).toHaveLength(2);
    expect((await driver.reserve({ queue, limit: 5, leaseMs: LEASE, now: T0 + 1_500 })).jobs).toHaveLength(1);
  });

  it('a_driver_that_saw_a_plain_queue_obeys_limits_another_process_sets', async () => {
    const worker = await file.driver();
    const admin = await file.driver();
    const queue = uniqueQueue();
    await worker.enqueueMany(Array.from({ length: 10 }, () => newJob(queue)), T0);
    expect((await worker.reserve({ queue, limit: 2, leaseMs: LEASE, now: T0 })).jobs).toHaveLength(2);
    await admin.setQueueLimits(queue, { concurrency: 3 });
    expect((await worker.reserve({ queue, limit: 5, leaseMs: LEASE, now: T0 + 1 })).jobs).toHaveLength(1);
    expect((await worker.reserve({ queue, limit: 5, leaseMs: LEASE, now: T0 + 2 })).jobs).toHaveLength(0);
  });

  it('hold_back_holds_the_queue_and_names_the_end_in_next_due', async () => {
    const driver = await file.driver();
    const queue = uniqueQueue();
    const jobs = [newJob(queue), newJob(queue)];
    await driver.enqueueMany(jobs, T0);
    const [first] = (await driver.reserve({ queue, limit: 1, leaseMs: LEASE, now: T0 })).jobs;
    await driver.holdBack(first?.lease as never, T0 + 5_000, T0 + 1);
    await driver.holdBack(
      (await driver.reserve({ queue, limit: 1, leaseMs: LEASE, now: T0 + 5_000 })).jobs[0]?.lease as never,
      T0 + 6_000,
      T0 + 5_001,
    );
    const held = await driver.reserve({ queue, limit: 5, leaseMs: LEASE, now: T0 + 5_500 });
    expect(held.jobs).toHaveLength(0);
    expect(held.nextDueAt).toBe(T0 + 6_000);
    expect((await driver.flowState(queue)).heldUntil).toBe(T0 + 6_000);
    const after = await driver.reserve({ queue, limit: 5, leaseMs: LEASE, now: T0 + 6_000 });
    expect(after.jobs.map((r) => r.job.id)).toEqual([jobs[0]?.id, jobs[1]?.id]);
  });

  it('snooze_keeps_attempts_counts_snoozes_and_frees_the_group_slot', async () => {
    const driver = await file.driver();
    const queue = uniqueQueue();
    await driver.setGroupLimits(queue, { concurrency: 1 });
    const jobs = [newJob(queue, { group: 't1', priority: 2 }), newJob(queue, { group: 't1' })];
    await driver.enqueueMany(jobs, T0);
    const [taken] = (await driver.reserve({ queue, limit: 5, leaseMs: LEASE, now: T0 })).jobs;
    expect(taken?.job.id).toBe(jobs[1]?.id);
    expect((await driver.groupState(queue, 't1')).inflight).toBe(1);
    await driver.snooze(taken?.lease as never, T0 + 100, T0 + 1);
    expect(await driver.inspect({ queue, id: jobs[1]?.id as string })).toMatchObject({ status: 'scheduled', runAt: T0 + 100, snoozes: 1, attempts: 0 });
    const next = await driver.reserve({ queue, limit: 5, leaseMs: LEASE, now: T0 + 100 });
    expect(next.jobs.map((r) => r.job.id)).toEqual([jobs[1]?.id]);
  });

  it('pause_and_resume_group_and_state_reads', async () => {
    const driver = await file.driver();
    const queue = uniqueQueue();
    await driver.enqueueMany([newJob(queue, { group: 'a' }), newJob(queue, { group: 'b' })], T0);
    await driver.pauseGroup(queue, 'a');
    expect(groupsOf(await driver.reserve({ queue, limit: 5, leaseMs: LEASE, now: T0 }))).toEqual(['b']);
    await driver.setGroupLimits(queue, { concurrency: 4 });
    await driver.setGroupLimits(queue, { rate: { max: 2, perMs: 10 } }, 'a');
    expect(await driver.groupState(queue, 'a')).toEqual({
      group: 'a',
      overrides: { rate: { max: 2, perMs: 10 } },
      effective: { concurrency: 4, rate: { max: 2, perMs: 10 } },
      paused: true,
      inflight: 0,
    });
    await driver.resumeGroup(queue, 'a');
    expect(groupsOf(await driver.reserve({ queue, limit: 5, leaseMs: LEASE, now: T0 + 1 }))).toEqual(['a']);
    await expect(driver.setQueueLimits(queue, { concurrency: 0 })).rejects.toBeInstanceOf(ValidationError);
    await expect(driver.setGroupLimits(queue, { concurrency: 1 }, 'bad group')).rejects.toBeInstanceOf(ValidationError);
    expect((await driver.flowState(queue)).limits).toEqual({});
  });

  it('purge_cancel_and_remove_keep_turns_and_counts_consistent', async () => {
    const driver = await file.driver();
    const queue = uniqueQueue();
    await driver.setGroupLimits(queue, { concurrency: 1 });
    const plain = Array.from({ length: 3 }, () => newJob(queue));
    const grouped = ['a', 'a', 'b', 'b', 'c'].map((group, i) => newJob(queue, { group, priority: i % 2 === 0 ? 0 : -1 }));
    await driver.enqueueMany([...plain, ...grouped], T0);
    const first = await driver.reserve({ queue, limit: 10, leaseMs: LEASE, now: T0 });
    // One per group (concurrency 1 each, the jobs without a group count as one group).
    expect(groupsOf(first).sort()).toEqual(['-', 'a', 'b', 'c']);
    await driver.cancel({ queue, id: grouped[2]?.id as string }, { now: T0 + 1 });
    expect(await driver.purge(queue, { status: 'ready' })).toBe(3);
    expect((await driver.counts(queue)).ready).toBe(0);
    expect((await driver.groupState(queue, 'a')).inflight).toBe(1);
    for (const reserved of first.jobs) await driver.ack(reserved.lease, T0 + 2);
    expect((await driver.groupState(queue, 'a')).inflight).toBe(0);
    await driver.enqueueMany([newJob(queue, { group: 'c' }), newJob(queue, { group: 'a' }), newJob(queue)], T0 + 3);
    expect(groupsOf(await driver.reserve({ queue, limit: 10, leaseMs: LEASE, now: T0 + 3 }))).toEqual(['c', 'a', '-']);
  });

  it('an_ack_that_frees_a_slot_wakes_a_waiting_driver', async () => {
    const worker = await file.driver();
    const other = await file.driver();
    const queue = uniqueQueue();
    await worker.setQueueLimits(queue, { concurrency: 1 });
    await worker.enqueueMany([newJob(queue), newJob(queue)], T0);
    const [taken] = (await worker.reserve({ queue, limit: 2, leaseMs: LEASE, now: T0 })).jobs;
    const controller = new AbortController();
    const woken = other.waitForWork({ queues: [queue], signal: controller.signal });
    // Give the listener time to start (it opens on the first wait).
    await new Promise((resolve) => setTimeout(resolve, 300));
    await worker.ack(taken?.lease as never, T0 + 1);
    const outcome = await Promise.race([woken.then(() => 'woken'), new Promise((resolve) => setTimeout(() => resolve('timeout'), 5_000))]);
    controller.abort();
    expect(outcome).toBe('woken');
  });
});
