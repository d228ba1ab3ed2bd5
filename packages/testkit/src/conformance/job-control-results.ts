import {
  Client,
  JobNotFoundError,
  JobNotInFlightError,
  LeaseExpiredError,
  LeaseMismatchError,
  MAX_PROGRESS_BYTES,
  MAX_RESULT_BYTES,
  ValidationError,
  WaitTimeoutError,
} from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import { expectError, expectRejectedUnchanged, expectSameBytes } from './assertions.js';
import { enqueueAndReserve, enqueueJob, failUpdate, LEASE_MS, patternBytes, refOf, retryUpdate, WRONG_TOKEN } from './fixtures.js';
import { control, recordOf, withinGuard } from './job-control-fixtures.js';
import type { Setup } from './setup.js';

export function jobControlResultCases(setup: Setup): void {
  describe('job control: results, progress and error history', () => {
    it('ack_stores_the_result_bytes_exactly', async () => {
      const h = await setup();
      const { lease } = await enqueueAndReserve(h);
      const result = patternBytes(300);
      await h.driver.ack(lease, h.clock.now(), { result });
      expectSameBytes((await recordOf(h, refOf(lease))).result, result);
    });

    it('ack_without_a_result_stores_none', async () => {
      const h = await setup();
      const { lease } = await enqueueAndReserve(h);
      await h.driver.ack(lease, h.clock.now());
      expect((await recordOf(h, refOf(lease))).result).toBeUndefined();
    });

    it('ack_many_stores_each_result', async () => {
      const h = await setup();
      if (h.driver.ackMany === undefined) return;
      const first = await enqueueAndReserve(h);
      const second = await enqueueAndReserve(h);
      const outcomes = await h.driver.ackMany([first.lease, second.lease], h.clock.now(), [Uint8Array.of(7), undefined]);
      expect(outcomes.map((o) => o.ok)).toEqual([true, true]);
      expectSameBytes((await recordOf(h, refOf(first.lease))).result, Uint8Array.of(7));
      expect((await recordOf(h, refOf(second.lease))).result).toBeUndefined();
    });

    it('a_result_over_the_limit_is_rejected_and_changes_nothing', async () => {
      const h = await setup();
      const { lease } = await enqueueAndReserve(h);
      const tooLarge = new Uint8Array(MAX_RESULT_BYTES + 1);
      const error = await expectRejectedUnchanged(h, refOf(lease), () => h.driver.ack(lease, h.clock.now(), { result: tooLarge }), ValidationError);
      expect(error.field).toBe('result');
    });

    it('a_repeated_ack_keeps_the_first_result', async () => {
      const h = await setup();
      const { lease } = await enqueueAndReserve(h);
      await h.driver.ack(lease, h.clock.now(), { result: Uint8Array.of(1) });
      await h.driver.ack(lease, h.clock.now(), { result: Uint8Array.of(2) });
      expectSameBytes((await recordOf(h, refOf(lease))).result, Uint8Array.of(1));
    });

    it('progress_is_stored_while_the_lease_is_valid_and_kept_after_the_job_finishes', async () => {
      const h = await setup();
      const { lease } = await enqueueAndReserve(h);
      await control(h).setProgress(lease, JSON.stringify({ step: 1 }), h.clock.now());
      await control(h).setProgress(lease, JSON.stringify({ step: 2, of: 3, label: 'naïve ✓' }), h.clock.now());
      expect((await recordOf(h, refOf(lease))).progress).toEqual({ step: 2, of: 3, label: 'naïve ✓' });
      await h.driver.ack(lease, h.clock.now());
      expect((await recordOf(h, refOf(lease))).progress).toEqual({ step: 2, of: 3, label: 'naïve ✓' });
    });

    it('progress_without_a_valid_lease_is_rejected_and_changes_nothing', async () => {
      const h = await setup();
      const { lease } = await enqueueAndReserve(h, { leaseMs: 1000 });
      const ref = refOf(lease);
      const json = JSON.stringify(50);
      await expectRejectedUnchanged(h, ref, () => control(h).setProgress({ ...lease, token: WRONG_TOKEN }, json, h.clock.now()), LeaseMismatchError);
      await h.clock.advanceTo(lease.expiresAt);
      await expectRejectedUnchanged(h, ref, () => control(h).setProgress(lease, json, h.clock.now()), LeaseExpiredError);
      const queued = await enqueueJob(h);
      const queuedRef = { queue: h.queue, id: queued.id };
      await expectRejectedUnchanged(h, queuedRef, () => control(h).setProgress({ ...lease, jobId: queued.id }, json, h.clock.now()), JobNotInFlightError);
    });

    it('progress_over_the_limit_or_not_json_is_a_validation_error', async () => {
      const h = await setup();
      const { lease } = await enqueueAndReserve(h);
      const tooLarge = JSON.stringify('x'.repeat(MAX_PROGRESS_BYTES));
      for (const json of [tooLarge, '{not json', 42 as unknown as string]) {
        await expectRejectedUnchanged(h, refOf(lease), () => control(h).setProgress(lease, json, h.clock.now()), ValidationError);
      }
    });

    it('error_history_records_each_failure_oldest_first', async () => {
      const h = await setup();
      const { lease } = await enqueueAndReserve(h);
      const firstAt = h.clock.now();
      await h.driver.retry(lease, retryUpdate(h, { attempts: 1, lastError: 'first' }), h.clock.now());
      await h.clock.advance(1000);
      const second = await h.driver.reserve({ queue: h.queue, limit: 1, leaseMs: LEASE_MS, now: h.clock.now() });
      const secondLease = second.jobs[0]?.lease;
      if (secondLease === undefined) return expect.fail('the retried job should be ready again');
      await h.driver.fail(secondLease, failUpdate(h, { attempts: 2, lastError: undefined }), h.clock.now());
      expect((await recordOf(h, refOf(lease))).errors).toEqual([
        { attempt: 1, message: 'first', at: firstAt },
        { attempt: 2, message: '', at: firstAt + 1000 },
      ]);
    });

    it('error_history_keeps_the_last_ten_failures', async () => {
      const h = await setup();
      const { lease: first } = await enqueueAndReserve(h);
      let lease = first;
      for (let attempt = 1; attempt <= 12; attempt++) {
        await h.driver.retry(lease, retryUpdate(h, { attempts: attempt, lastError: `failure ${attempt}` }), h.clock.now());
        const again = await h.driver.reserve({ queue: h.queue, limit: 1, leaseMs: LEASE_MS, now: h.clock.now() });
        lease = again.jobs[0]?.lease ?? expect.fail('the retried job should be ready again');
      }
      const errors = (await recordOf(h, refOf(lease))).errors ?? [];
      expect(errors.map((entry) => entry.attempt)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
      expect(errors[9]?.message).toBe('failure 12');
    });

    it('list_filters_by_type', async () => {
      const h = await setup();
      const wanted = await enqueueJob(h, { type: 'wanted' });
      await enqueueJob(h, { type: 'other' });
      const scheduled = await enqueueJob(h, { type: 'wanted', runAt: h.clock.now() + 5000 });
      const all = await h.driver.list({ queue: h.queue, type: 'wanted', limit: 10 });
      expect(all.jobs.map((job) => job.id)).toEqual([wanted.id, scheduled.id]);
      const ready = await h.driver.list({ queue: h.queue, type: 'wanted', status: 'ready', limit: 10 });
      expect(ready.jobs.map((job) => job.id)).toEqual([wanted.id]);
      await expectError(() => h.driver.list({ queue: h.queue, type: '', limit: 10 }), ValidationError);
    });
  });

  describe('job control: waiting for a job to finish', () => {
    it('wait_for_finish_resolves_when_the_job_is_acked', async () => {
      const h = await setup();
      const { lease } = await enqueueAndReserve(h);
      const waiting = control(h).waitForFinish(refOf(lease), new AbortController().signal);
      await h.driver.ack(lease, h.clock.now(), { result: Uint8Array.of(9) });
      const record = await withinGuard(waiting);
      if (record === 'timeout') return expect.fail('waitForFinish should resolve once the job is done');
      expect(record.status).toBe('done');
      expectSameBytes(record.result, Uint8Array.of(9));
    });

    it('wait_for_finish_resolves_on_dead_letter_and_on_cancel', async () => {
      const h = await setup();
      const dead = await enqueueAndReserve(h);
      const deadWait = control(h).waitForFinish(refOf(dead.lease), new AbortController().signal);
      await h.driver.fail(dead.lease, failUpdate(h), h.clock.now());
      expect(await withinGuard(deadWait)).toMatchObject({ status: 'dlq' });
      const waiting = await enqueueJob(h, { runAt: h.clock.now() + 5000 });
      const ref = { queue: h.queue, id: waiting.id };
      const cancelWait = control(h).waitForFinish(ref, new AbortController().signal);
      await control(h).cancel(ref, { now: h.clock.now() });
      expect(await withinGuard(cancelWait)).toMatchObject({ status: 'cancelled' });
    });

    it('wait_for_finish_of_a_finished_job_resolves_at_once', async () => {
      const h = await setup();
      const { lease } = await enqueueAndReserve(h);
      await h.driver.ack(lease, h.clock.now());
      expect(await withinGuard(control(h).waitForFinish(refOf(lease), new AbortController().signal))).toMatchObject({ status: 'done' });
    });

    it('wait_for_finish_of_an_unknown_or_removed_job_is_job_not_found', async () => {
      const h = await setup();
      await expectError(() => control(h).waitForFinish({ queue: h.queue, id: 'no-such-job' }, new AbortController().signal), JobNotFoundError);
      const job = await enqueueJob(h);
      const ref = { queue: h.queue, id: job.id };
      const waiting = control(h).waitForFinish(ref, new AbortController().signal);
      // Observed at once: a driver may reject before remove resolves, and an unobserved rejection fails the run.
      const outcome = waiting.then(
        () => undefined,
        (error: unknown) => error,
      );
      await control(h).remove(ref);
      await expectError(async () => {
        const error = await withinGuard(outcome);
        if (error !== undefined) throw error;
      }, JobNotFoundError);
    });

    it('wait_for_finish_rejects_with_the_reason_when_the_signal_aborts', async () => {
      const h = await setup();
      const job = await enqueueJob(h);
      const controller = new AbortController();
      const waiting = control(h).waitForFinish({ queue: h.queue, id: job.id }, controller.signal);
      const reason = new Error('gave up');
      controller.abort(reason);
      await expect(withinGuard(waiting)).rejects.toBe(reason);
    });

    it('client_wait_for_times_out_on_the_client_clock', async () => {
      const h = await setup();
      const job = await enqueueJob(h);
      const client = new Client(h.driver, { clock: h.clock });
      const waiting = client.waitFor({ queue: h.queue, id: job.id }, { timeoutMs: 5000 });
      const settled = waiting.catch((error: unknown) => error);
      await h.clock.advance(5000);
      expect(await withinGuard(settled)).toBeInstanceOf(WaitTimeoutError);
    });

    it('many_waits_on_one_job_all_resolve', async () => {
      const h = await setup();
      const { lease } = await enqueueAndReserve(h);
      const waits = Array.from({ length: 50 }, () => control(h).waitForFinish(refOf(lease), new AbortController().signal));
      await h.driver.ack(lease, h.clock.now());
      const records = await withinGuard(Promise.all(waits));
      if (records === 'timeout') return expect.fail('every wait should resolve');
      expect(records.every((record) => record.status === 'done')).toBe(true);
    });
  });
}
