import { type JobRef, ValidationError } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import { expectError } from './assertions.js';
import { enqueueAndReserve, enqueueJob, failUpdate, newJob, refOf, reserveIds } from './fixtures.js';
import { control, recordOf } from './job-control-fixtures.js';
import type { Harness, Setup } from './setup.js';

/** Dead-letters `count` jobs of the type, one clock second apart; returns their refs, oldest failure first. */
async function deadJobs(h: Harness, count: number, type = 'conformance.job', maxAttempts = 3): Promise<JobRef[]> {
  const refs: JobRef[] = [];
  for (let i = 0; i < count; i++) {
    const { lease } = await enqueueAndReserve(h, { job: { type, maxAttempts } });
    await h.driver.fail(lease, failUpdate(h, { attempts: maxAttempts }), h.clock.now());
    refs.push(refOf(lease));
    await h.clock.advance(1000);
  }
  return refs;
}

/** Acks `count` jobs one clock second apart; returns their refs, oldest first. */
async function doneJobs(h: Harness, count: number, type = 'conformance.job'): Promise<JobRef[]> {
  const refs: JobRef[] = [];
  for (let i = 0; i < count; i++) {
    const { lease } = await enqueueAndReserve(h, { job: { type } });
    await h.driver.ack(lease, h.clock.now());
    refs.push(refOf(lease));
    await h.clock.advance(1000);
  }
  return refs;
}

export function jobControlBulkCases(setup: Setup): void {
  describe('job control: purge', () => {
    it('purge_removes_every_job_of_a_status_and_returns_the_count', async () => {
      const h = await setup();
      await doneJobs(h, 3);
      await deadJobs(h, 2);
      expect(await control(h).purge(h.queue, { status: 'done' })).toBe(3);
      expect(await h.driver.counts(h.queue)).toMatchObject({ done: 0, dlq: 2 });
      expect(await control(h).purge(h.queue, { status: 'done' })).toBe(0);
    });

    it('purge_by_type_removes_only_that_type', async () => {
      const h = await setup();
      const keep = await deadJobs(h, 2, 'keep.me');
      await deadJobs(h, 3, 'drop.me');
      expect(await control(h).purge(h.queue, { status: 'dlq', type: 'drop.me' })).toBe(3);
      const left = await h.driver.list({ queue: h.queue, status: 'dlq', limit: 10 });
      expect(left.jobs.map((job) => job.id).sort()).toEqual(keep.map((ref) => ref.id).sort());
    });

    it('purge_older_than_removes_only_jobs_that_reached_the_status_before_then', async () => {
      const h = await setup();
      const [oldest, middle, newest] = await doneJobs(h, 3);
      // Finished at t, t+1s, t+2s; now is t+3s.
      expect(await control(h).purge(h.queue, { status: 'done', olderThanMs: 1500, now: h.clock.now() })).toBe(2);
      expect(await h.driver.inspect(oldest as JobRef)).toBeUndefined();
      expect(await h.driver.inspect(middle as JobRef)).toBeUndefined();
      expect((await recordOf(h, newest as JobRef)).status).toBe('done');
    });

    it('purge_with_a_limit_stops_there_and_a_second_call_carries_on', async () => {
      const h = await setup();
      await h.driver.enqueueMany(
        Array.from({ length: 5 }, () => newJob(h.queue, { createdAt: h.clock.now() })),
        h.clock.now(),
      );
      expect(await control(h).purge(h.queue, { status: 'ready', limit: 2 })).toBe(2);
      expect(await h.driver.counts(h.queue)).toMatchObject({ ready: 3 });
      expect(await control(h).purge(h.queue, { status: 'ready' })).toBe(3);
      expect(await reserveIds(h)).toEqual([]);
    });

    it('purge_goes_past_one_bounded_step', async () => {
      const h = await setup();
      const jobs = Array.from({ length: 2100 }, () => newJob(h.queue, { createdAt: h.clock.now(), runAt: h.clock.now() + 60_000 }));
      await h.driver.enqueueMany(jobs, h.clock.now());
      expect(await control(h).purge(h.queue, { status: 'scheduled' })).toBe(2100);
      expect(await h.driver.counts(h.queue)).toMatchObject({ scheduled: 0 });
    });

    it('purge_of_cancelled_and_scheduled_jobs', async () => {
      const h = await setup();
      const cancelled = await enqueueJob(h);
      await control(h).cancel({ queue: h.queue, id: cancelled.id }, { now: h.clock.now() });
      await enqueueJob(h, { runAt: h.clock.now() + 5000 });
      expect(await control(h).purge(h.queue, { status: 'cancelled' })).toBe(1);
      expect(await control(h).purge(h.queue, { status: 'scheduled' })).toBe(1);
      expect(await h.driver.counts(h.queue)).toMatchObject({ scheduled: 0, cancelled: 0 });
    });

    it('purge_frees_idempotency_keys', async () => {
      const h = await setup();
      await enqueueJob(h, { idempotencyKey: 'once' });
      await control(h).purge(h.queue, { status: 'ready' });
      const again = newJob(h.queue, { idempotencyKey: 'once' });
      expect(await h.driver.enqueue(again, h.clock.now())).toEqual({ id: again.id, existed: false });
    });

    it('purge_never_touches_jobs_in_flight', async () => {
      const h = await setup();
      const { lease } = await enqueueAndReserve(h);
      const error = await expectError(() => control(h).purge(h.queue, { status: 'inflight' as 'ready' }), ValidationError);
      expect(error.field).toBe('status');
      expect((await recordOf(h, refOf(lease))).status).toBe('inflight');
    });

    it('purge_with_bad_options_is_a_validation_error', async () => {
      const h = await setup();
      await enqueueJob(h);
      const bad = [
        { status: 'ready' as const, olderThanMs: 1000 },
        { status: 'ready' as const, limit: 0 },
        { status: 'ready' as const, limit: 1.5 },
        { status: 'ready' as const, type: '' },
        { status: 'nope' as 'ready' },
      ];
      for (const options of bad) await expectError(() => control(h).purge(h.queue, options), ValidationError);
      expect(await h.driver.counts(h.queue)).toMatchObject({ ready: 1 });
    });
  });

  describe('job control: requeue many and dead retention', () => {
    it('requeue_dlq_many_moves_dead_jobs_to_the_ready_tail_oldest_failure_first', async () => {
      const h = await setup();
      const refs = await deadJobs(h, 3);
      expect(await control(h).requeueDlqMany(h.queue, { now: h.clock.now() })).toBe(3);
      expect(await h.driver.counts(h.queue)).toMatchObject({ dlq: 0, ready: 3 });
      expect(await reserveIds(h)).toEqual(refs.map((ref) => ref.id));
      const record = await recordOf(h, refs[0] as JobRef);
      expect(record.dlqReason).toBeUndefined();
      expect(record.reclaims).toBe(0);
    });

    it('requeue_dlq_many_by_type_with_a_limit', async () => {
      const h = await setup();
      await deadJobs(h, 2, 'other');
      const wanted = await deadJobs(h, 3, 'wanted');
      expect(await control(h).requeueDlqMany(h.queue, { type: 'wanted', limit: 2, now: h.clock.now() })).toBe(2);
      expect(await reserveIds(h)).toEqual(wanted.slice(0, 2).map((ref) => ref.id));
      expect(await control(h).requeueDlqMany(h.queue, { type: 'wanted', now: h.clock.now() })).toBe(1);
      expect(await h.driver.counts(h.queue)).toMatchObject({ dlq: 2 });
    });

    it('requeue_dlq_many_resets_attempts_when_asked', async () => {
      const h = await setup();
      const [ref] = await deadJobs(h, 1);
      await control(h).requeueDlqMany(h.queue, { resetAttempts: true, now: h.clock.now() });
      const record = await recordOf(h, ref as JobRef);
      expect(record).toMatchObject({ attempts: 0, maxAttempts: 3 });
      expect(record.lastError).toBeUndefined();
      expect(record.errors).toBeUndefined();
    });

    it('requeue_without_reset_allows_exactly_one_more_run', async () => {
      const h = await setup();
      const [single, many] = await deadJobs(h, 2, 'conformance.job', 2);
      await h.driver.requeueDlq(single as JobRef, { now: h.clock.now() });
      await control(h).requeueDlqMany(h.queue, { now: h.clock.now() });
      for (const ref of [single, many] as JobRef[]) {
        expect(await recordOf(h, ref)).toMatchObject({ status: 'ready', attempts: 2, maxAttempts: 3 });
      }
    });

    it('requeue_dlq_many_goes_past_one_bounded_step', async () => {
      const h = await setup();
      const jobs = Array.from({ length: 1100 }, () => newJob(h.queue, { createdAt: h.clock.now() }));
      await h.driver.enqueueMany(jobs, h.clock.now());
      const { jobs: reserved } = await h.driver.reserve({ queue: h.queue, limit: 1100, leaseMs: 60_000, now: h.clock.now() });
      for (const { lease } of reserved) await h.driver.fail(lease, failUpdate(h), h.clock.now());
      expect(await control(h).requeueDlqMany(h.queue, { now: h.clock.now() })).toBe(1100);
      expect(await h.driver.counts(h.queue)).toMatchObject({ dlq: 0, ready: 1100 });
    });

    it('requeue_dlq_many_with_bad_options_is_a_validation_error', async () => {
      const h = await setup();
      await deadJobs(h, 1);
      for (const options of [{ now: -1 }, { now: h.clock.now(), limit: 0 }, { now: h.clock.now(), type: '' }]) {
        await expectError(() => control(h).requeueDlqMany(h.queue, options), ValidationError);
      }
      expect(await h.driver.counts(h.queue)).toMatchObject({ dlq: 1 });
    });

    it('dead_retention_keeps_at_most_max_dead_count_oldest_removed_first', async () => {
      const h = await setup({ retention: { maxDeadCount: 2 } });
      const refs = await deadJobs(h, 3);
      expect(await h.driver.inspect(refs[0] as JobRef)).toBeUndefined();
      expect(await h.driver.counts(h.queue)).toMatchObject({ dlq: 2 });
    });

    it('dead_retention_removes_dead_jobs_older_than_max_dead_age', async () => {
      const h = await setup({ retention: { maxDeadAgeMs: 1500 } });
      const refs = await deadJobs(h, 3);
      // Failed at t, t+1s, t+2s; the last fail ran at t+2s, when only the first was older than 1.5 s.
      expect(await h.driver.inspect(refs[0] as JobRef)).toBeUndefined();
      expect((await recordOf(h, refs[1] as JobRef)).status).toBe('dlq');
    });

    it('dead_jobs_are_kept_without_a_dead_retention_setting', async () => {
      const h = await setup({ retention: { maxDoneCount: 0, maxDoneAgeMs: 0 } });
      await deadJobs(h, 3);
      expect(await h.driver.counts(h.queue)).toMatchObject({ dlq: 3 });
    });

    it('cancelled_jobs_follow_the_done_retention', async () => {
      const h = await setup({ retention: { maxDoneCount: 2 } });
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const job = await enqueueJob(h);
        await control(h).cancel({ queue: h.queue, id: job.id }, { now: h.clock.now() });
        ids.push(job.id);
        await h.clock.advance(1000);
      }
      expect(await h.driver.inspect({ queue: h.queue, id: ids[0] as string })).toBeUndefined();
      expect(await h.driver.counts(h.queue)).toMatchObject({ cancelled: 2 });
    });
  });
}
