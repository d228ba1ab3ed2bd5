import {
  type JobRef,
  JobNotFoundError,
  JobNotInFlightError,
  type Lease,
  LeaseExpiredError,
  LeaseMismatchError,
  ValidationError,
} from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import { expectRejectedUnchanged } from './assertions.js';
import { enqueueAndReserve, enqueueJob, forgedLease, refOf, WRONG_TOKEN } from './fixtures.js';
import { enqueueAll, enqueueGroups, flow, reserveAt } from './flow-control-fixtures.js';
import { control, recordOf } from './job-control-fixtures.js';
import type { Harness, Setup } from './setup.js';

type LeaseCall = (h: Harness, lease: Lease) => Promise<void>;

/** The lease checks snooze and holdBack share with retry and release: each typed error, nothing changed. */
async function expectLeaseChecks(setup: Setup, call: LeaseCall, timeField: string): Promise<void> {
  const h = await setup();
  const { lease } = await enqueueAndReserve(h, { leaseMs: 1000 });
  const ref = refOf(lease);
  await expectRejectedUnchanged(h, ref, () => call(h, { ...lease, token: WRONG_TOKEN }), LeaseMismatchError);
  const badTime = await expectRejectedUnchanged(
    h,
    ref,
    () => (timeField === 'runAt' ? flow(h).snooze(lease, -1, h.clock.now()) : flow(h).holdBack(lease, -1, h.clock.now())),
    ValidationError,
  );
  expect(badTime.field).toBe(timeField);
  await h.clock.advanceTo(lease.expiresAt);
  await expectRejectedUnchanged(h, ref, () => call(h, lease), LeaseExpiredError);
  const waiting = await enqueueJob(h, { runAt: h.clock.now() + 60_000 });
  const waitingRef: JobRef = { queue: h.queue, id: waiting.id };
  await expectRejectedUnchanged(h, waitingRef, () => call(h, forgedLease(h, waiting.id)), JobNotInFlightError);
  await expectRejectedUnchanged(h, { queue: h.queue, id: 'no-such-job' }, () => call(h, forgedLease(h, 'no-such-job')), JobNotFoundError);
}

export function flowControlOutcomeCases(setup: Setup, options: { jobControl: boolean }): void {
  describe('flow control: snooze and hold-back', () => {
    it('snooze_schedules_the_job_without_counting_a_failure', async () => {
      const h = await setup();
      const runAt = h.clock.now() + 5000;
      const { lease } = await enqueueAndReserve(h, { job: { priority: 2, group: 'g' } });
      await flow(h).snooze(lease, runAt, h.clock.now());
      const record = await recordOf(h, refOf(lease));
      expect(record).toMatchObject({ status: 'scheduled', runAt, attempts: 0, snoozes: 1, priority: 2, group: 'g' });
      expect(record.lastError).toBeUndefined();
      expect((await reserveAt(h)).ids).toEqual([]);
      await h.clock.advanceTo(runAt);
      const { jobs } = await h.driver.reserve({ queue: h.queue, limit: 5, leaseMs: 1000, now: h.clock.now() });
      expect(jobs.map((reserved) => reserved.job.id)).toEqual([lease.jobId]);
      expect(jobs[0]?.job).toMatchObject({ snoozes: 1, priority: 2, group: 'g', attempts: 0 });
    });

    it('snooze_to_now_makes_the_job_ready_at_its_priority_tail', async () => {
      const h = await setup();
      const [a, b] = await enqueueAll(h, [{ priority: 1 }, { priority: 1 }]);
      const { leases } = await reserveAt(h, { limit: 1 });
      await flow(h).snooze(leases[0] as Lease, h.clock.now(), h.clock.now());
      expect((await recordOf(h, { queue: h.queue, id: a as string })).status).toBe('ready');
      const c = (await enqueueJob(h)).id;
      expect((await reserveAt(h)).ids).toEqual([c, b, a]);
    });

    it('snooze_checks_the_lease_like_retry', async () => {
      await expectLeaseChecks(setup, (h, lease) => flow(h).snooze(lease, h.clock.now() + 1000, h.clock.now()), 'runAt');
    });

    if (options.jobControl) {
      it('snooze_of_a_job_with_a_cancel_request_finishes_it_cancelled', async () => {
        const h = await setup();
        const { lease } = await enqueueAndReserve(h);
        expect(await control(h).cancel(refOf(lease), { now: h.clock.now() })).toEqual({ status: 'cancelling' });
        await flow(h).snooze(lease, h.clock.now() + 1000, h.clock.now());
        expect((await recordOf(h, refOf(lease))).status).toBe('cancelled');
        await h.clock.advance(1000);
        expect((await reserveAt(h)).ids).toEqual([]);
      });
    }

    it('hold_back_puts_the_job_first_and_holds_its_queue_until', async () => {
      const h = await setup();
      const until = h.clock.now() + 2000;
      const [a, b] = await enqueueAll(h, [{}, {}]);
      const { leases } = await reserveAt(h, { limit: 1 });
      await flow(h).holdBack(leases[0] as Lease, until, h.clock.now());
      expect(await recordOf(h, { queue: h.queue, id: a as string })).toMatchObject({ status: 'ready', attempts: 0 });
      expect((await flow(h).flowState(h.queue)).heldUntil).toBe(until);
      await h.clock.advanceTo(until - 1);
      const held = await reserveAt(h);
      expect(held.ids).toEqual([]);
      expect(held.nextDueAt).toBe(until);
      await h.clock.advanceTo(until);
      expect((await reserveAt(h)).ids).toEqual([a, b]);
    });

    it('hold_back_of_a_grouped_job_holds_only_its_group', async () => {
      const h = await setup();
      const until = h.clock.now() + 2000;
      const [a1, a2, b1] = await enqueueGroups(h, ['A', 'A', 'B']);
      const { leases } = await reserveAt(h, { limit: 1 });
      await flow(h).holdBack(leases[0] as Lease, until, h.clock.now());
      expect((await flow(h).groupState(h.queue, 'A')).heldUntil).toBe(until);
      expect((await flow(h).flowState(h.queue)).heldUntil).toBeUndefined();
      const others = await reserveAt(h);
      expect(others.ids).toEqual([b1]);
      expect(others.nextDueAt).toBe(until);
      await h.clock.advanceTo(until);
      expect((await reserveAt(h)).ids).toEqual([a1, a2]);
    });

    it('a_hold_never_shortens_a_later_one', async () => {
      const h = await setup();
      const t = h.clock.now();
      await enqueueGroups(h, ['A', 'A', 'A']);
      const { leases } = await reserveAt(h, { limit: 2 });
      await flow(h).holdBack(leases[0] as Lease, t + 5000, t);
      await flow(h).holdBack(leases[1] as Lease, t + 1000, t);
      expect((await flow(h).groupState(h.queue, 'A')).heldUntil).toBe(t + 5000);
      await h.clock.advanceTo(t + 1000);
      expect((await reserveAt(h)).ids).toEqual([]);
      await h.clock.advanceTo(t + 5000);
      expect((await reserveAt(h)).ids).toHaveLength(3);
    });

    it('hold_back_checks_the_lease_like_release', async () => {
      await expectLeaseChecks(setup, (h, lease) => flow(h).holdBack(lease, h.clock.now() + 1000, h.clock.now()), 'until');
    });
  });
}
