import { InvalidLeaseDurationError, type Lease, LeaseMismatchError, type NewJobRecord, ValidationError } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import { expectError, expectRejectedUnchanged } from './assertions.js';
import { CODE_POINT_ORDERED_IDS, deadJob, doneJob, enqueueAndReserve, enqueueJob, LEASE_MS, newJob, refOf, reserveIds } from './fixtures.js';
import type { Harness, Setup } from './setup.js';

/** The ids of `jobs` ordered by their time, ties by id: the order due jobs join the ready tail in. */
function idsInTimeOrder(jobs: { id: string; at: number }[]): string[] {
  return [...jobs].sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1)).map((job) => job.id);
}

/** `count` jobs with ascending ids, made up front so a case can enqueue them in a scrambled order. */
function jobsWithAscendingIds(h: Harness, count: number, overrides: (i: number) => Partial<NewJobRecord> = () => ({})): NewJobRecord[] {
  return Array.from({ length: count }, (_, i) => newJob(h.queue, { createdAt: h.clock.now(), ...overrides(i) }));
}

/** A fixed scramble of 0..count-1 (count must not be a multiple of 37). */
function scrambled(count: number): number[] {
  return Array.from({ length: count }, (_, i) => (i * 37) % count);
}

const INVALID_LEASE_DURATIONS: [label: string, leaseMs: number][] = [
  ['zero', 0],
  ['negative', -1000],
  ['fractional', 1000.5],
  ['nan', Number.NaN],
  ['infinite', Number.POSITIVE_INFINITY],
];

export function reserveCases(setup: Setup): void {
  describe('reserve', () => {
    it('reserve_on_empty_queue_returns_no_jobs', async () => {
      const h = await setup();
      const result = await h.driver.reserve({ queue: h.queue, limit: 10, leaseMs: LEASE_MS, now: h.clock.now() });
      expect(result.jobs).toEqual([]);
      expect(result.nextDueAt).toBeUndefined();
    });

    for (const [label, leaseMs] of INVALID_LEASE_DURATIONS) {
      it(`reserve_rejects_${label}_lease_duration`, async () => {
        const h = await setup();
        const job = await enqueueJob(h);
        const reserve = () => h.driver.reserve({ queue: h.queue, limit: 1, leaseMs, now: h.clock.now() });
        await expectRejectedUnchanged(h, { queue: h.queue, id: job.id }, reserve, InvalidLeaseDurationError);
        expect(await reserveIds(h)).toEqual([job.id]);
      });
    }

    it('reserve_rejects_an_invalid_queue_name', async () => {
      const h = await setup();
      await enqueueJob(h);
      for (const queue of ['', `{${h.queue}}`]) {
        const reserve = () => h.driver.reserve({ queue, limit: 1, leaseMs: LEASE_MS, now: h.clock.now() });
        expect((await expectError(reserve, ValidationError)).field).toBe('queue');
      }
      expect((await h.driver.counts(h.queue)).ready).toBe(1);
    });

    it('reserve_rejects_limit_outside_1_to_10000', async () => {
      const h = await setup();
      await enqueueJob(h);
      for (const limit of [0, -1, 1.5, 10_001, Number.NaN]) {
        const reserve = () => h.driver.reserve({ queue: h.queue, limit, leaseMs: LEASE_MS, now: h.clock.now() });
        expect((await expectError(reserve, ValidationError)).field).toBe('limit');
      }
      expect((await h.driver.counts(h.queue)).ready).toBe(1);
    });

    it('reserve_returns_the_job_inflight_with_a_lease_until_now_plus_lease_ms', async () => {
      const h = await setup();
      const job = await enqueueJob(h, { timeoutMs: 5000, idempotencyKey: 'k' });
      const { jobs } = await h.driver.reserve({ queue: h.queue, limit: 1, leaseMs: 1234, now: h.clock.now() });
      const { lease, job: record } = jobs[0] ?? expect.fail('no job reserved');
      expect(lease).toEqual({ jobId: job.id, queue: h.queue, token: expect.any(String), expiresAt: h.clock.now() + 1234 });
      expect(lease.token).not.toBe('');
      expect(record).toMatchObject({ ...job, status: 'inflight', attempts: 0, reclaims: 0 });
      expect(record.lease).toEqual({ token: lease.token, expiresAt: lease.expiresAt });
      expect(await h.driver.inspect(refOf(lease))).toEqual(record);
    });

    it('reserve_gives_every_lease_a_unique_token', async () => {
      const h = await setup();
      for (let i = 0; i < 10; i++) await enqueueJob(h);
      const { jobs } = await h.driver.reserve({ queue: h.queue, limit: 10, leaseMs: LEASE_MS, now: h.clock.now() });
      expect(new Set(jobs.map((r) => r.lease.token)).size).toBe(10);
    });

    it('reserved_job_is_exclusive_during_its_lease', async () => {
      const h = await setup();
      const { lease } = await enqueueAndReserve(h, { leaseMs: 1000 });
      expect(await reserveIds(h)).toEqual([]);
      await h.clock.advanceTo(lease.expiresAt - 1);
      expect(await reserveIds(h)).toEqual([]);
    });

    it('racing_reserves_never_hand_out_a_job_twice', async () => {
      const h = await setup();
      const ids: string[] = [];
      for (let i = 0; i < 20; i++) ids.push((await enqueueJob(h)).id);
      const now = h.clock.now();
      const results = await Promise.all(
        Array.from({ length: 50 }, () => h.driver.reserve({ queue: h.queue, limit: 1, leaseMs: LEASE_MS, now })),
      );
      const handedOut = results.flatMap((result) => result.jobs.map((r) => r.job.id));
      expect(handedOut).toHaveLength(20);
      expect([...handedOut].sort()).toEqual([...ids].sort());
    });

    it('reserve_hands_out_at_most_limit_jobs', async () => {
      const h = await setup();
      for (let i = 0; i < 5; i++) await enqueueJob(h);
      expect(await reserveIds(h, { limit: 3 })).toHaveLength(3);
      expect(await reserveIds(h, { limit: 3 })).toHaveLength(2);
    });

    it('queues_are_isolated', async () => {
      const h = await setup();
      const other = h.newQueue();
      const job = newJob(other);
      await h.driver.enqueue(job, h.clock.now());
      const result = await h.driver.reserve({ queue: h.queue, limit: 10, leaseMs: LEASE_MS, now: h.clock.now() });
      expect(result).toEqual({ jobs: [] });
      expect(await reserveIds(h, { queue: other })).toEqual([job.id]);
    });

    it('expired_lease_is_reclaimed_and_reservable_again', async () => {
      const h = await setup();
      const { lease } = await enqueueAndReserve(h, { leaseMs: 1000 });
      await h.clock.advanceTo(lease.expiresAt + 1000);
      expect(await reserveIds(h)).toEqual([lease.jobId]);
    });

    it('reclaim_happens_at_exactly_expires_at', async () => {
      const h = await setup();
      const { lease } = await enqueueAndReserve(h, { leaseMs: 1000 });
      await h.clock.advanceTo(lease.expiresAt - 1);
      expect(await reserveIds(h)).toEqual([]);
      await h.clock.advanceTo(lease.expiresAt);
      expect(await reserveIds(h)).toEqual([lease.jobId]);
    });

    it('reclaim_clears_run_at', async () => {
      const h = await setup();
      const { lease } = await enqueueAndReserve(h, { leaseMs: 1000, job: { runAt: h.clock.now() } });
      await h.clock.advanceTo(lease.expiresAt);
      const { jobs } = await h.driver.reserve({ queue: h.queue, limit: 1, leaseMs: LEASE_MS, now: h.clock.now() });
      expect(jobs[0]?.job.id).toBe(lease.jobId);
      expect(jobs[0]?.job.runAt).toBeUndefined();
    });

    it('reclaim_increments_reclaims', async () => {
      const h = await setup();
      const { lease } = await enqueueAndReserve(h, { leaseMs: 1000 });
      await h.clock.advanceTo(lease.expiresAt);
      const second = await h.driver.reserve({ queue: h.queue, limit: 1, leaseMs: 1000, now: h.clock.now() });
      expect(second.jobs[0]?.job.reclaims).toBe(1);
      await h.clock.advance(1000);
      const third = await h.driver.reserve({ queue: h.queue, limit: 1, leaseMs: 1000, now: h.clock.now() });
      expect(third.jobs[0]?.job.reclaims).toBe(2);
      expect(third.jobs[0]?.job.attempts).toBe(0);
    });

    it('reclaim_issues_a_new_token_and_the_old_one_is_lease_mismatch', async () => {
      const h = await setup();
      const { lease } = await enqueueAndReserve(h, { leaseMs: 1000 });
      await h.clock.advanceTo(lease.expiresAt);
      const { jobs } = await h.driver.reserve({ queue: h.queue, limit: 1, leaseMs: LEASE_MS, now: h.clock.now() });
      expect(jobs[0]?.lease.token).not.toBe(lease.token);
      await expectRejectedUnchanged(h, refOf(lease), () => h.driver.ack(lease, h.clock.now()), LeaseMismatchError);
    });

    it('reclaimed_job_not_taken_again_is_ready_without_lease', async () => {
      const h = await setup();
      const { lease } = await enqueueAndReserve(h, { leaseMs: 1000 });
      const other = await enqueueJob(h);
      await h.clock.advanceTo(lease.expiresAt);
      expect(await reserveIds(h, { limit: 1 })).toEqual([other.id]);
      const record = await h.driver.inspect(refOf(lease));
      expect(record).toMatchObject({ status: 'ready', reclaims: 1 });
      expect(record?.lease).toBeUndefined();
    });

    it('next_due_at_is_the_earliest_scheduled_run_at', async () => {
      const h = await setup();
      const now = h.clock.now();
      await enqueueJob(h, { runAt: now + 5000 });
      await enqueueJob(h, { runAt: now + 3000 });
      await enqueueJob(h, { runAt: now + 4000 });
      const result = await h.driver.reserve({ queue: h.queue, limit: 10, leaseMs: LEASE_MS, now });
      expect(result).toEqual({ jobs: [], nextDueAt: now + 3000 });
    });

    it('next_due_at_includes_the_new_leases', async () => {
      const h = await setup();
      const now = h.clock.now();
      await enqueueJob(h);
      await enqueueJob(h, { runAt: now + 60_000 });
      const result = await h.driver.reserve({ queue: h.queue, limit: 10, leaseMs: 1000, now });
      expect(result.jobs).toHaveLength(1);
      expect(result.nextDueAt).toBe(now + 1000);
    });

    it('next_due_at_includes_leases_of_earlier_reserves', async () => {
      const h = await setup();
      const { lease } = await enqueueAndReserve(h, { leaseMs: 2000 });
      await enqueueJob(h, { runAt: h.clock.now() + 60_000 });
      await h.clock.advance(500);
      const result = await h.driver.reserve({ queue: h.queue, limit: 10, leaseMs: LEASE_MS, now: h.clock.now() });
      expect(result).toEqual({ jobs: [], nextDueAt: lease.expiresAt });
    });

    it('next_due_at_is_the_earliest_lease_expiry_when_nothing_is_scheduled', async () => {
      const h = await setup();
      const now = h.clock.now();
      await enqueueJob(h);
      await enqueueJob(h);
      const first = await h.driver.reserve({ queue: h.queue, limit: 1, leaseMs: 5000, now });
      expect(first.nextDueAt).toBe(now + 5000);
      const second = await h.driver.reserve({ queue: h.queue, limit: 1, leaseMs: 2000, now });
      expect(second.nextDueAt).toBe(now + 2000);
    });

    it('next_due_at_is_left_out_of_the_result_when_nothing_is_pending', async () => {
      const h = await setup();
      await doneJob(h);
      const result = await h.driver.reserve({ queue: h.queue, limit: 10, leaseMs: LEASE_MS, now: h.clock.now() });
      expect(Object.keys(result)).toEqual(['jobs']);
    });

    it('next_due_at_is_unset_when_nothing_is_pending', async () => {
      const h = await setup();
      await doneJob(h);
      await deadJob(h);
      await enqueueJob(h);
      const first = await h.driver.reserve({ queue: h.queue, limit: 10, leaseMs: LEASE_MS, now: h.clock.now() });
      expect(first.jobs).toHaveLength(1);
      await h.driver.ack(first.jobs[0]?.lease ?? expect.fail('no job reserved'), h.clock.now());
      const result = await h.driver.reserve({ queue: h.queue, limit: 10, leaseMs: LEASE_MS, now: h.clock.now() });
      expect(result).toEqual({ jobs: [] });
      expect(result.nextDueAt).toBeUndefined();
    });

    it('next_due_at_ignores_other_queues', async () => {
      const h = await setup();
      const other = h.newQueue();
      await h.driver.enqueue(newJob(other, { runAt: h.clock.now() + 1000 }), h.clock.now());
      await enqueueJob(h, { runAt: h.clock.now() + 9000 });
      const result = await h.driver.reserve({ queue: h.queue, limit: 10, leaseMs: LEASE_MS, now: h.clock.now() });
      expect(result.nextDueAt).toBe(h.clock.now() + 9000);
    });

    it('due_scheduled_jobs_join_the_tail_in_run_at_order', async () => {
      const h = await setup();
      const now = h.clock.now();
      const ready = await enqueueJob(h);
      const late = await enqueueJob(h, { runAt: now + 200 });
      const early = await enqueueJob(h, { runAt: now + 100 });
      await h.clock.advance(300);
      expect(await reserveIds(h)).toEqual([ready.id, early.id, late.id]);
    });

    it('due_scheduled_jobs_with_equal_run_at_join_in_id_order', async () => {
      const h = await setup();
      const runAt = h.clock.now() + 100;
      const low = newJob(h.queue, { runAt });
      const high = newJob(h.queue, { runAt });
      await h.driver.enqueue(high, h.clock.now());
      await h.driver.enqueue(low, h.clock.now());
      await h.clock.advance(100);
      expect(await reserveIds(h)).toEqual([low.id, high.id]);
    });

    it('due_scheduled_jobs_with_equal_run_at_join_in_code_point_id_order', async () => {
      const h = await setup();
      const runAt = h.clock.now() + 100;
      for (const id of [...CODE_POINT_ORDERED_IDS].reverse()) await h.driver.enqueue(newJob(h.queue, { id, runAt }), h.clock.now());
      await h.clock.advance(100);
      expect(await reserveIds(h, { limit: CODE_POINT_ORDERED_IDS.length })).toEqual(CODE_POINT_ORDERED_IDS);
    });

    it('due_scheduled_job_not_taken_is_ready', async () => {
      const h = await setup();
      const ready = await enqueueJob(h);
      const scheduled = await enqueueJob(h, { runAt: h.clock.now() + 100 });
      await h.clock.advance(100);
      expect(await reserveIds(h, { limit: 1 })).toEqual([ready.id]);
      const record = await h.driver.inspect({ queue: h.queue, id: scheduled.id });
      expect(record?.status).toBe('ready');
      expect(record?.lease).toBeUndefined();
      expect(await h.driver.counts(h.queue)).toMatchObject({ ready: 1, scheduled: 0 });
    });

    it('many_due_scheduled_jobs_join_the_tail_in_run_at_then_id_order', async () => {
      const h = await setup();
      const start = h.clock.now();
      // 60 jobs over 12 run times, enqueued in a scrambled order in two waves, so equal run times meet
      // ids in every order; the second wave arrives halfway, all of it still in the future.
      const jobs = jobsWithAscendingIds(h, 60);
      const order = scrambled(60).map((i) => jobs[i] as NewJobRecord);
      const firstWave = order.slice(0, 40).map((job, i) => ({ ...job, runAt: start + 100 + ((i * 7) % 12) * 100 }));
      const secondWave = order.slice(40).map((job, i) => ({ ...job, runAt: start + 700 + ((i * 5) % 6) * 100 }));
      const pending = firstWave.map((job) => ({ id: job.id, at: job.runAt }));
      for (const job of firstWave) await h.driver.enqueue(job, h.clock.now());
      // Reserve once per run time: each round hands out exactly the jobs that fell due since the last.
      for (let step = 1; step <= 12; step++) {
        await h.clock.advanceTo(start + step * 100);
        const due = pending.filter((job) => job.at <= h.clock.now());
        expect(await reserveIds(h), `at +${step * 100} ms`).toEqual(idsInTimeOrder(due));
        pending.splice(0, pending.length, ...pending.filter((job) => !due.includes(job)));
        if (step === 6) {
          for (const job of secondWave) await h.driver.enqueue(job, h.clock.now());
          pending.push(...secondWave.map((job) => ({ id: job.id, at: job.runAt })));
        }
      }
      expect(pending).toEqual([]);
    });

    it('many_expired_leases_are_reclaimed_in_expiry_then_id_order', async () => {
      const h = await setup();
      const start = h.clock.now();
      const jobs = jobsWithAscendingIds(h, 48);
      for (const i of scrambled(48)) await h.driver.enqueue(jobs[i] as NewJobRecord, start);
      // One reserve per job, with 8 lease lengths, so expiries interleave with ids and tie.
      const leases: Lease[] = [];
      for (let i = 0; i < 48; i++) {
        const leaseMs = 1000 + ((i * 5) % 8) * 100;
        const { jobs: reserved } = await h.driver.reserve({ queue: h.queue, limit: 1, leaseMs, now: start });
        leases.push(reserved[0]?.lease ?? expect.fail('a job should be ready'));
      }
      // Acking every fifth lease takes entries out of the middle of the in-flight order.
      const acked = leases.filter((_, i) => i % 5 === 2);
      for (const lease of acked) await h.driver.ack(lease, start);
      const pending = leases.filter((lease) => !acked.includes(lease)).map((lease) => ({ id: lease.jobId, at: lease.expiresAt }));
      // Reserve once per expiry time: each round reclaims exactly the leases that ran out since the last.
      for (let step = 0; step < 8; step++) {
        await h.clock.advanceTo(start + 1000 + step * 100);
        const expired = pending.filter((lease) => lease.at <= h.clock.now());
        const { jobs: reclaimed } = await h.driver.reserve({ queue: h.queue, limit: 100, leaseMs: LEASE_MS, now: h.clock.now() });
        expect(reclaimed.map((r) => r.job.id), `at +${1000 + step * 100} ms`).toEqual(idsInTimeOrder(expired));
        expect(reclaimed.map((r) => r.job.reclaims)).toEqual(expired.map(() => 1));
        pending.splice(0, pending.length, ...pending.filter((lease) => !expired.includes(lease)));
      }
      expect(pending).toEqual([]);
    });

    it('promoted_and_reclaimed_jobs_at_the_same_time_join_in_id_order', async () => {
      const h = await setup();
      const at = h.clock.now() + 1000;
      const [a, b, c, d] = jobsWithAscendingIds(h, 4) as [NewJobRecord, NewJobRecord, NewJobRecord, NewJobRecord];
      await h.driver.enqueueMany([d, b], h.clock.now());
      expect(await reserveIds(h, { leaseMs: 1000 })).toEqual([d.id, b.id]);
      await h.driver.enqueueMany([{ ...c, runAt: at }, { ...a, runAt: at }], h.clock.now());
      await h.clock.advanceTo(at);
      expect(await reserveIds(h)).toEqual([a.id, b.id, c.id, d.id]);
    });

    it('reclaimed_jobs_join_the_tail_in_expiry_order', async () => {
      const h = await setup();
      const { lease: longer } = await enqueueAndReserve(h, { leaseMs: 2000 });
      const { lease: shorter } = await enqueueAndReserve(h, { leaseMs: 1000 });
      const ready = await enqueueJob(h);
      await h.clock.advance(2000);
      expect(await reserveIds(h)).toEqual([ready.id, shorter.jobId, longer.jobId]);
    });

    it('promoted_and_reclaimed_jobs_join_the_tail_in_time_order', async () => {
      const h = await setup();
      const now = h.clock.now();
      const { lease } = await enqueueAndReserve(h, { leaseMs: 1500 });
      const later = await enqueueJob(h, { runAt: now + 2000 });
      const earlier = await enqueueJob(h, { runAt: now + 1000 });
      await h.clock.advance(2500);
      expect(await reserveIds(h)).toEqual([earlier.id, lease.jobId, later.id]);
    });

    it('done_job_is_never_reserved', async () => {
      const h = await setup();
      await doneJob(h);
      await h.clock.advance(7 * 24 * 60 * 60 * 1000);
      expect(await reserveIds(h)).toEqual([]);
    });

    it('dlq_job_is_never_reserved', async () => {
      const h = await setup();
      await deadJob(h);
      await h.clock.advance(7 * 24 * 60 * 60 * 1000);
      expect(await reserveIds(h)).toEqual([]);
    });
  });
}
