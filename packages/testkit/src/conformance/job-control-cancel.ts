import {
  InvalidJobStateError,
  JobNotFoundError,
  JobNotInFlightError,
  type JobRef,
  LeaseMismatchError,
  ValidationError,
} from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import { expectError, expectRejectedUnchanged } from './assertions.js';
import { enqueueAndReserve, enqueueJob, failUpdate, LEASE_MS, refOf, reserveIds, retryUpdate, WRONG_TOKEN } from './fixtures.js';
import { control, jobInEachStatus, recordOf, withinGuard } from './job-control-fixtures.js';
import type { Harness, Setup } from './setup.js';

/** A running job with a cancel request, and its lease. */
async function cancelRequested(h: Harness, leaseMs = LEASE_MS) {
  const reserved = await enqueueAndReserve(h, { leaseMs });
  const answer = await control(h).cancel(refOf(reserved.lease), { reason: 'stop it', now: h.clock.now() });
  expect(answer).toEqual({ status: 'cancelling' });
  return reserved;
}

async function expectCancelled(h: Harness, ref: JobRef, at: number): Promise<void> {
  const record = await recordOf(h, ref);
  expect(record).toMatchObject({ status: 'cancelled', cancelledAt: at });
  expect(record.lease?.expiresAt).toBeUndefined();
}

export function jobControlCancelCases(setup: Setup): void {
  describe('job control: cancel', () => {
    it('cancel_of_a_ready_job_cancels_it_at_once', async () => {
      const h = await setup();
      const job = await enqueueJob(h);
      const ref = { queue: h.queue, id: job.id };
      expect(await control(h).cancel(ref, { reason: 'by mistake', now: h.clock.now() })).toEqual({ status: 'cancelled' });
      expect(await recordOf(h, ref)).toMatchObject({ status: 'cancelled', cancelledAt: h.clock.now(), cancelReason: 'by mistake' });
      expect(await reserveIds(h)).toEqual([]);
      expect(await h.driver.counts(h.queue)).toMatchObject({ ready: 0, cancelled: 1 });
    });

    it('cancel_of_a_scheduled_job_cancels_it_and_it_never_runs', async () => {
      const h = await setup();
      const job = await enqueueJob(h, { runAt: h.clock.now() + 5000 });
      expect(await control(h).cancel({ queue: h.queue, id: job.id }, { now: h.clock.now() })).toEqual({ status: 'cancelled' });
      await h.clock.advance(10_000);
      const { jobs, nextDueAt } = await h.driver.reserve({ queue: h.queue, limit: 10, leaseMs: LEASE_MS, now: h.clock.now() });
      expect(jobs).toEqual([]);
      expect(nextDueAt).toBeUndefined();
      expect(await h.driver.counts(h.queue)).toMatchObject({ scheduled: 0, cancelled: 1 });
    });

    it('cancel_without_a_reason_stores_none', async () => {
      const h = await setup();
      const job = await enqueueJob(h);
      await control(h).cancel({ queue: h.queue, id: job.id }, { now: h.clock.now() });
      expect((await recordOf(h, { queue: h.queue, id: job.id })).cancelReason).toBeUndefined();
    });

    it('cancel_of_a_running_job_requests_it_and_keeps_it_in_flight', async () => {
      const h = await setup();
      const { lease } = await cancelRequested(h);
      const record = await recordOf(h, refOf(lease));
      expect(record).toMatchObject({ status: 'inflight', cancelRequestedAt: h.clock.now(), cancelReason: 'stop it' });
      expect(record.lease).toEqual({ token: lease.token, expiresAt: lease.expiresAt });
      expect(await reserveIds(h)).toEqual([]);
    });

    it('a_second_cancel_of_a_running_job_keeps_the_first_request', async () => {
      const h = await setup();
      const { lease } = await cancelRequested(h);
      const first = h.clock.now();
      await h.clock.advance(1000);
      expect(await control(h).cancel(refOf(lease), { reason: 'again', now: h.clock.now() })).toEqual({ status: 'cancelling' });
      expect(await recordOf(h, refOf(lease))).toMatchObject({ cancelRequestedAt: first, cancelReason: 'stop it' });
    });

    it('extend_lease_reports_a_cancel_request', async () => {
      const h = await setup();
      const { lease } = await enqueueAndReserve(h);
      const before = await h.driver.extendLease(lease, LEASE_MS, h.clock.now());
      expect(before.cancelRequested).toBeUndefined();
      await control(h).cancel(refOf(lease), { now: h.clock.now() });
      const after = await h.driver.extendLease(lease, LEASE_MS, h.clock.now());
      expect(after).toMatchObject({ token: lease.token, cancelRequested: true });
      expect((await recordOf(h, refOf(lease))).status).toBe('inflight');
    });

    it('extend_leases_reports_a_cancel_request_per_lease', async () => {
      const h = await setup();
      if (h.driver.extendLeases === undefined) return;
      const first = await enqueueAndReserve(h);
      const second = await enqueueAndReserve(h);
      await control(h).cancel(refOf(second.lease), { now: h.clock.now() });
      const outcomes = await h.driver.extendLeases([first.lease, second.lease], LEASE_MS, h.clock.now());
      expect(outcomes.map((o) => (o.ok ? o.value.cancelRequested : 'error'))).toEqual([undefined, true]);
    });

    it('ack_of_a_cancel_requested_job_finishes_it_cancelled', async () => {
      const h = await setup();
      const { lease } = await cancelRequested(h);
      await h.clock.advance(500);
      await h.driver.ack(lease, h.clock.now(), { result: Uint8Array.of(1) });
      await expectCancelled(h, refOf(lease), h.clock.now());
      const record = await recordOf(h, refOf(lease));
      expect(record.result).toBeUndefined();
      expect(record.lease).toEqual({ token: lease.token });
      expect(await h.driver.counts(h.queue)).toMatchObject({ inflight: 0, done: 0, cancelled: 1 });
    });

    it('ack_many_of_a_cancel_requested_job_finishes_it_cancelled', async () => {
      const h = await setup();
      if (h.driver.ackMany === undefined) return;
      const plain = await enqueueAndReserve(h);
      const { lease } = await cancelRequested(h);
      const outcomes = await h.driver.ackMany([plain.lease, lease], h.clock.now());
      expect(outcomes.map((o) => o.ok)).toEqual([true, true]);
      expect((await recordOf(h, refOf(plain.lease))).status).toBe('done');
      await expectCancelled(h, refOf(lease), h.clock.now());
    });

    it('retry_of_a_cancel_requested_job_finishes_it_cancelled_and_records_the_failure', async () => {
      const h = await setup();
      const { lease } = await cancelRequested(h);
      await h.driver.retry(lease, retryUpdate(h, { attempts: 1, lastError: 'aborted' }), h.clock.now());
      await expectCancelled(h, refOf(lease), h.clock.now());
      expect(await recordOf(h, refOf(lease))).toMatchObject({ attempts: 1, lastError: 'aborted' });
      expect(await reserveIds(h)).toEqual([]);
    });

    it('fail_of_a_cancel_requested_job_finishes_it_cancelled_not_dead_lettered', async () => {
      const h = await setup();
      const { lease } = await cancelRequested(h);
      await h.driver.fail(lease, failUpdate(h), h.clock.now());
      await expectCancelled(h, refOf(lease), h.clock.now());
      expect(await h.driver.counts(h.queue)).toMatchObject({ dlq: 0, cancelled: 1 });
      expect((await recordOf(h, refOf(lease))).dlqReason).toBeUndefined();
    });

    it('release_of_a_cancel_requested_job_finishes_it_cancelled', async () => {
      const h = await setup();
      const { lease } = await cancelRequested(h);
      await h.driver.release(lease, h.clock.now());
      await expectCancelled(h, refOf(lease), h.clock.now());
      expect(await reserveIds(h)).toEqual([]);
    });

    it('an_expired_lease_of_a_cancel_requested_job_ends_cancelled_not_reclaimed', async () => {
      const h = await setup();
      const { lease } = await cancelRequested(h, 1000);
      await h.clock.advanceTo(lease.expiresAt);
      expect(await reserveIds(h)).toEqual([]);
      const record = await recordOf(h, refOf(lease));
      expect(record).toMatchObject({ status: 'cancelled', reclaims: 0 });
    });

    it('outcomes_of_a_cancel_requested_job_still_check_the_lease', async () => {
      const h = await setup();
      const { lease } = await cancelRequested(h);
      await expectRejectedUnchanged(h, refOf(lease), () => h.driver.ack({ ...lease, token: WRONG_TOKEN }, h.clock.now()), LeaseMismatchError);
    });

    it('cancel_of_a_finished_job_is_invalid_job_state_and_changes_nothing', async () => {
      const h = await setup();
      const refs = await jobInEachStatus(h);
      for (const status of ['done', 'dlq', 'cancelled'] as const) {
        const error = await expectRejectedUnchanged(
          h,
          refs[status],
          () => control(h).cancel(refs[status], { now: h.clock.now() }),
          InvalidJobStateError,
        );
        expect(error.status).toBe(status);
      }
    });

    it('cancel_of_an_unknown_job_is_job_not_found', async () => {
      const h = await setup();
      await expectError(() => control(h).cancel({ queue: h.queue, id: 'no-such-job' }, { now: h.clock.now() }), JobNotFoundError);
    });

    it('cancel_with_bad_input_is_a_validation_error', async () => {
      const h = await setup();
      const job = await enqueueJob(h);
      const ref = { queue: h.queue, id: job.id };
      const bad = [
        () => control(h).cancel(ref, { now: -1 }),
        () => control(h).cancel(ref, { now: Number.NaN }),
        () => control(h).cancel({ queue: '', id: job.id }, { now: h.clock.now() }),
        () => control(h).cancel(ref, { reason: 42 as unknown as string, now: h.clock.now() }),
      ];
      for (const call of bad) await expectRejectedUnchanged(h, ref, call, ValidationError);
    });

    it('a_cancelled_job_takes_repeated_outcomes_of_its_last_run_only', async () => {
      const h = await setup();
      const { lease } = await cancelRequested(h);
      await h.driver.ack(lease, h.clock.now());
      const ref = refOf(lease);
      await h.driver.ack(lease, h.clock.now());
      await h.driver.fail(lease, failUpdate(h), h.clock.now());
      await expectRejectedUnchanged(h, ref, () => h.driver.ack({ ...lease, token: WRONG_TOKEN }, h.clock.now()), LeaseMismatchError);
      await expectRejectedUnchanged(h, ref, () => h.driver.retry(lease, retryUpdate(h), h.clock.now()), JobNotInFlightError);
      await expectRejectedUnchanged(h, ref, () => h.driver.release(lease, h.clock.now()), JobNotInFlightError);
      await expectRejectedUnchanged(h, ref, () => h.driver.extendLease(lease, LEASE_MS, h.clock.now()), JobNotInFlightError);
      expect((await recordOf(h, ref)).status).toBe('cancelled');
    });

    it('cancel_requests_reach_subscribers_of_the_queue', async () => {
      const h = await setup();
      const heard: JobRef[] = [];
      const controller = new AbortController();
      let notify: () => void = () => {};
      const arrived = new Promise<void>((resolve) => {
        notify = resolve;
      });
      await control(h).subscribeCancels({ queues: [h.queue], signal: controller.signal }, (ref) => {
        heard.push(ref);
        notify();
      });
      const { lease } = await enqueueAndReserve(h);
      await control(h).cancel(refOf(lease), { now: h.clock.now() });
      expect(await withinGuard(arrived)).not.toBe('timeout');
      expect(heard).toEqual([refOf(lease)]);
      controller.abort();
    });

    it('cancel_requests_of_other_queues_do_not_reach_a_subscriber', async () => {
      const h = await setup();
      const otherQueueHeard: JobRef[] = [];
      const controller = new AbortController();
      await control(h).subscribeCancels({ queues: [h.newQueue()], signal: controller.signal }, (ref) => otherQueueHeard.push(ref));
      let notify: () => void = () => {};
      const ownQueueHeard = new Promise<void>((resolve) => {
        notify = resolve;
      });
      await control(h).subscribeCancels({ queues: [h.queue], signal: controller.signal }, () => notify());
      const { lease } = await enqueueAndReserve(h);
      await control(h).cancel(refOf(lease), { now: h.clock.now() });
      // Once the queue's own subscriber has heard it, the other one would have too.
      expect(await withinGuard(ownQueueHeard)).not.toBe('timeout');
      expect(otherQueueHeard).toEqual([]);
      controller.abort();
    });
  });
}
