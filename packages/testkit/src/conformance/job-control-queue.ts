import { InvalidJobStateError, JobNotFoundError, ValidationError } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import { expectError, expectRejectedUnchanged } from './assertions.js';
import { enqueueAndReserve, enqueueJob, LEASE_MS, newJob, refOf, reserveIds } from './fixtures.js';
import { control, jobInEachStatus, withinGuard } from './job-control-fixtures.js';
import type { Setup } from './setup.js';

export function jobControlQueueCases(setup: Setup): void {
  describe('job control: remove and promote', () => {
    it('remove_deletes_a_job_with_its_idempotency_key_so_both_can_be_used_again', async () => {
      const h = await setup();
      const job = await enqueueJob(h, { idempotencyKey: 'order-7' });
      const ref = { queue: h.queue, id: job.id };
      await control(h).remove(ref);
      expect(await h.driver.inspect(ref)).toBeUndefined();
      expect(await h.driver.counts(h.queue)).toMatchObject({ ready: 0 });
      expect((await h.driver.list({ queue: h.queue, limit: 10 })).jobs).toEqual([]);
      const again = newJob(h.queue, { idempotencyKey: 'order-7' });
      expect(await h.driver.enqueue(again, h.clock.now())).toEqual({ id: again.id, existed: false });
      const { idempotencyKey: _held, ...sameIdWithoutKey } = job;
      expect(await h.driver.enqueue(sameIdWithoutKey, h.clock.now())).toEqual({ id: job.id, existed: false });
    });

    it('remove_takes_a_job_out_of_every_waiting_and_finished_status', async () => {
      const h = await setup();
      const refs = await jobInEachStatus(h);
      for (const ref of Object.values(refs)) await control(h).remove(ref);
      expect(await h.driver.counts(h.queue)).toMatchObject({ ready: 0, scheduled: 0, inflight: 0, done: 0, dlq: 0, cancelled: 0 });
      await h.clock.advance(120_000);
      expect(await reserveIds(h)).toEqual([]);
    });

    it('remove_of_a_job_in_flight_is_invalid_job_state', async () => {
      const h = await setup();
      const { lease } = await enqueueAndReserve(h);
      const error = await expectRejectedUnchanged(h, refOf(lease), () => control(h).remove(refOf(lease)), InvalidJobStateError);
      expect(error.status).toBe('inflight');
    });

    it('remove_of_an_unknown_job_is_job_not_found', async () => {
      const h = await setup();
      await expectError(() => control(h).remove({ queue: h.queue, id: 'no-such-job' }), JobNotFoundError);
    });

    it('promote_makes_a_scheduled_job_ready_at_the_tail', async () => {
      const h = await setup();
      const first = await enqueueJob(h);
      const later = await enqueueJob(h, { runAt: h.clock.now() + 60_000 });
      const last = await enqueueJob(h);
      await control(h).promote({ queue: h.queue, id: later.id }, { now: h.clock.now() });
      const record = await h.driver.inspect({ queue: h.queue, id: later.id });
      expect(record?.status).toBe('ready');
      expect(record?.runAt).toBeUndefined();
      expect(await reserveIds(h)).toEqual([first.id, last.id, later.id]);
    });

    it('promote_wakes_waiting_workers', async () => {
      const h = await setup();
      const job = await enqueueJob(h, { runAt: h.clock.now() + 60_000 });
      const controller = new AbortController();
      const waiting = h.driver.waitForWork({ queues: [h.queue], signal: controller.signal }).then(() => 'woke' as const);
      await control(h).promote({ queue: h.queue, id: job.id }, { now: h.clock.now() });
      expect(await withinGuard(waiting)).toBe('woke');
      controller.abort();
    });

    it('promote_of_a_job_that_is_not_scheduled_is_invalid_job_state', async () => {
      const h = await setup();
      const refs = await jobInEachStatus(h);
      for (const status of ['ready', 'done', 'dlq', 'cancelled'] as const) {
        const error = await expectRejectedUnchanged(
          h,
          refs[status],
          () => control(h).promote(refs[status], { now: h.clock.now() }),
          InvalidJobStateError,
        );
        expect(error.status).toBe(status);
      }
      const running = await h.driver.reserve({ queue: h.queue, limit: 1, leaseMs: LEASE_MS, now: h.clock.now() });
      const lease = running.jobs[0]?.lease;
      if (lease === undefined) return expect.fail('the ready job should have been reserved');
      await expectRejectedUnchanged(h, refOf(lease), () => control(h).promote(refOf(lease), { now: h.clock.now() }), InvalidJobStateError);
    });

    it('promote_of_an_unknown_job_is_job_not_found', async () => {
      const h = await setup();
      await expectError(() => control(h).promote({ queue: h.queue, id: 'no-such-job' }, { now: h.clock.now() }), JobNotFoundError);
    });
  });

  describe('job control: pause and resume', () => {
    it('a_paused_queue_hands_out_nothing_and_reports_no_next_due_time', async () => {
      const h = await setup();
      await enqueueJob(h);
      await enqueueJob(h, { runAt: h.clock.now() + 1000 });
      await control(h).pause(h.queue);
      await h.clock.advance(2000);
      const result = await h.driver.reserve({ queue: h.queue, limit: 10, leaseMs: LEASE_MS, now: h.clock.now() });
      expect(result.jobs).toEqual([]);
      expect(result.nextDueAt).toBeUndefined();
      expect(await h.driver.counts(h.queue)).toMatchObject({ paused: true });
    });

    it('a_paused_queue_takes_enqueues_and_outcomes', async () => {
      const h = await setup();
      const { lease } = await enqueueAndReserve(h);
      await control(h).pause(h.queue);
      await h.driver.extendLease(lease, LEASE_MS, h.clock.now());
      await h.driver.ack(lease, h.clock.now());
      await enqueueJob(h);
      expect(await h.driver.counts(h.queue)).toMatchObject({ ready: 1, done: 1, paused: true });
    });

    it('resume_hands_out_again_and_wakes_waiting_workers', async () => {
      const h = await setup();
      const job = await enqueueJob(h);
      await control(h).pause(h.queue);
      expect(await reserveIds(h)).toEqual([]);
      const controller = new AbortController();
      const waiting = h.driver.waitForWork({ queues: [h.queue], signal: controller.signal }).then(() => 'woke' as const);
      await control(h).resume(h.queue);
      expect(await withinGuard(waiting)).toBe('woke');
      controller.abort();
      expect(await reserveIds(h)).toEqual([job.id]);
      expect(await h.driver.counts(h.queue)).toMatchObject({ paused: false });
    });

    it('pause_and_resume_are_idempotent', async () => {
      const h = await setup();
      await control(h).pause(h.queue);
      await control(h).pause(h.queue);
      expect(await h.driver.counts(h.queue)).toMatchObject({ paused: true });
      await control(h).resume(h.queue);
      await control(h).resume(h.queue);
      expect(await h.driver.counts(h.queue)).toMatchObject({ paused: false });
    });

    it('a_queue_never_paused_is_not_paused', async () => {
      const h = await setup();
      expect(await h.driver.counts(h.newQueue())).toMatchObject({ paused: false, cancelled: 0 });
    });

    it('a_pause_before_any_job_holds_for_jobs_enqueued_later', async () => {
      const h = await setup();
      await control(h).pause(h.queue);
      await enqueueJob(h);
      expect(await reserveIds(h)).toEqual([]);
    });

    it('pausing_one_queue_leaves_the_others_running', async () => {
      const h = await setup();
      const other = h.newQueue();
      const job = await enqueueJob(h, { queue: other });
      await control(h).pause(h.queue);
      expect(await reserveIds(h, { queue: other })).toEqual([job.id]);
    });

    it('pause_and_resume_of_a_bad_queue_name_are_validation_errors', async () => {
      const h = await setup();
      for (const queue of ['', 'a{b}', ' x']) {
        await expectError(() => control(h).pause(queue), ValidationError);
        await expectError(() => control(h).resume(queue), ValidationError);
      }
    });
  });
}
