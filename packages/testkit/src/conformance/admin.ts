import {
  type JobRef,
  type JobStatus,
  JobNotFoundError,
  type Lease,
  type ListRequest,
  type NewJobRecord,
  type RequeueOptions,
  type RetentionOptions,
  ValidationError,
} from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import { expectError, expectRejectedUnchanged, coreCounts } from './assertions.js';
import { CODE_POINT_ORDERED_IDS, deadJob, doneJob, enqueueAndReserve, enqueueJob, failUpdate, LEASE_MS, newJob, refOf, reserveIds } from './fixtures.js';
import type { Harness, Setup } from './setup.js';

/** Every id across all pages of a listing, in page order. */
async function listAll(h: Harness, options: { status?: JobStatus; limit: number }): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 100; page++) {
    const result = await h.driver.list({ queue: h.queue, limit: options.limit, status: options.status, cursor });
    ids.push(...result.jobs.map((job) => job.id));
    if (result.nextCursor === undefined) return ids;
    cursor = result.nextCursor;
  }
  return expect.fail('list kept returning a nextCursor after 100 pages');
}

/** The fields every record has, sorted: a record with nothing optional set has exactly these keys. */
const REQUIRED_FIELDS = ['attempts', 'createdAt', 'id', 'maxAttempts', 'payload', 'queue', 'reclaims', 'status', 'type'];

/** Jobs with ascending ids, made up front so a case can enqueue them in any order. */
function jobsWithAscendingIds(h: Harness, count: number): NewJobRecord[] {
  return Array.from({ length: count }, () => newJob(h.queue, { createdAt: h.clock.now() }));
}

export function adminCases(setup: Setup): void {
  describe('admin', () => {
    it('inspect_shows_a_ready_job_with_its_fields', async () => {
      const h = await setup();
      const job = await enqueueJob(h, { timeoutMs: 5000, idempotencyKey: 'k', maxAttempts: 4 });
      const record = await h.driver.inspect({ queue: h.queue, id: job.id });
      expect(record).toEqual({ ...job, status: 'ready', attempts: 0, reclaims: 0 });
      for (const unset of ['lease', 'runAt', 'finishedAt', 'dlqReason', 'dlqFailedAt', 'lastError', 'failedAt'] as const) {
        expect(record?.[unset], unset).toBeUndefined();
      }
    });

    it('inspect_shows_a_scheduled_job_with_run_at', async () => {
      const h = await setup();
      const job = await enqueueJob(h, { runAt: h.clock.now() + 5000 });
      const record = await h.driver.inspect({ queue: h.queue, id: job.id });
      expect(record).toEqual({ ...job, status: 'scheduled', attempts: 0, reclaims: 0 });
      expect(record?.lease).toBeUndefined();
    });

    it('inspect_shows_an_inflight_job_with_token_and_expiry', async () => {
      const h = await setup();
      const { lease } = await enqueueAndReserve(h);
      const record = await h.driver.inspect(refOf(lease));
      expect(record).toMatchObject({ status: 'inflight', lease: { token: lease.token, expiresAt: lease.expiresAt } });
      expect(record?.finishedAt).toBeUndefined();
    });

    it('inspect_shows_a_done_job_with_finished_at_and_last_token', async () => {
      const h = await setup();
      const { lease } = await doneJob(h);
      const record = await h.driver.inspect(refOf(lease));
      expect(record).toMatchObject({ status: 'done', finishedAt: h.clock.now(), lease: { token: lease.token } });
      expect(record?.lease?.expiresAt).toBeUndefined();
      expect(record?.dlqReason).toBeUndefined();
    });

    it('inspect_shows_a_dlq_job_with_reason_and_last_token', async () => {
      const h = await setup();
      const { lease } = await deadJob(h, 'poison');
      const record = await h.driver.inspect(refOf(lease));
      expect(record).toMatchObject({ status: 'dlq', dlqReason: 'poison', dlqFailedAt: h.clock.now() });
      expect(record?.lease).toEqual({ token: lease.token });
      expect(record?.finishedAt).toBeUndefined();
    });

    it('inspect_leaves_unset_fields_out_of_the_record', async () => {
      const h = await setup();
      const { lease } = await doneJob(h);
      const ready = await enqueueJob(h);
      const readyRecord = await h.driver.inspect({ queue: h.queue, id: ready.id });
      expect(Object.keys(readyRecord ?? {}).sort()).toEqual(REQUIRED_FIELDS);
      const doneRecord = await h.driver.inspect(refOf(lease));
      expect(Object.keys(doneRecord ?? {}).sort()).toEqual([...REQUIRED_FIELDS, 'finishedAt', 'lease'].sort());
      expect(Object.keys(doneRecord?.lease ?? {})).toEqual(['token']);
    });

    it('inspect_rejects_an_invalid_queue_or_id', async () => {
      const h = await setup();
      const job = await enqueueJob(h);
      const invalid: [field: string, ref: JobRef][] = [
        ['queue', { queue: '', id: job.id }],
        ['id', { queue: h.queue, id: '' }],
        ['id', { queue: h.queue, id: `${job.id} ` }],
      ];
      for (const [field, ref] of invalid) {
        expect((await expectError(() => h.driver.inspect(ref), ValidationError)).field).toBe(field);
      }
    });

    it('inspect_of_an_unknown_id_is_undefined', async () => {
      const h = await setup();
      await enqueueJob(h);
      expect(await h.driver.inspect({ queue: h.queue, id: newJob(h.queue).id })).toBeUndefined();
    });

    it('inspect_of_a_job_in_another_queue_is_undefined', async () => {
      const h = await setup();
      const job = await enqueueJob(h);
      expect(await h.driver.inspect({ queue: h.newQueue(), id: job.id })).toBeUndefined();
    });

    it('list_returns_jobs_in_ascending_id_order', async () => {
      const h = await setup();
      const jobs = jobsWithAscendingIds(h, 4);
      for (const job of [...jobs].reverse()) await h.driver.enqueue(job, h.clock.now());
      const page = await h.driver.list({ queue: h.queue, limit: 10 });
      expect(page.jobs.map((job) => job.id)).toEqual(jobs.map((job) => job.id));
      expect(page.nextCursor).toBeUndefined();
    });

    it('list_orders_ids_by_code_point_like_their_utf8_bytes', async () => {
      const h = await setup();
      for (const id of [...CODE_POINT_ORDERED_IDS].reverse()) await h.driver.enqueue(newJob(h.queue, { id }), h.clock.now());
      const first = await h.driver.list({ queue: h.queue, limit: 4 });
      const rest = await h.driver.list({ queue: h.queue, limit: 10, cursor: first.nextCursor });
      expect([...first.jobs, ...rest.jobs].map((job) => job.id)).toEqual(CODE_POINT_ORDERED_IDS);
    });

    it('list_filters_by_status', async () => {
      const h = await setup();
      const done = await doneJob(h);
      const dead = await deadJob(h);
      const ready = await enqueueJob(h);
      const scheduled = await enqueueJob(h, { runAt: h.clock.now() + 1000 });
      const expected: [JobStatus, string][] = [
        ['done', done.lease.jobId],
        ['dlq', dead.lease.jobId],
        ['ready', ready.id],
        ['scheduled', scheduled.id],
      ];
      for (const [status, id] of expected) {
        const page = await h.driver.list({ queue: h.queue, status, limit: 10 });
        expect(page.jobs.map((job) => [job.status, job.id])).toEqual([[status, id]]);
      }
      expect((await h.driver.list({ queue: h.queue, status: 'inflight', limit: 10 })).jobs).toEqual([]);
    });

    it('list_pages_with_a_cursor', async () => {
      const h = await setup();
      const jobs = jobsWithAscendingIds(h, 5);
      for (const job of jobs) await h.driver.enqueue(job, h.clock.now());
      const first = await h.driver.list({ queue: h.queue, limit: 2 });
      expect(first.jobs.map((job) => job.id)).toEqual([jobs[0]?.id, jobs[1]?.id]);
      expect(first.nextCursor).toEqual(expect.any(String));
      expect(await listAll(h, { limit: 2 })).toEqual(jobs.map((job) => job.id));
    });

    it('list_cursor_does_not_skip_jobs_when_earlier_ones_leave', async () => {
      const h = await setup();
      const jobs = jobsWithAscendingIds(h, 6);
      const leaving = jobs[1] as NewJobRecord;
      for (const job of [leaving, ...jobs.filter((job) => job !== leaving)]) await h.driver.enqueue(job, h.clock.now());
      const first = await h.driver.list({ queue: h.queue, status: 'ready', limit: 3 });
      expect(first.jobs.map((job) => job.id)).toEqual(jobs.slice(0, 3).map((job) => job.id));
      expect(await reserveIds(h, { limit: 1 })).toEqual([leaving.id]);
      const rest = await h.driver.list({ queue: h.queue, status: 'ready', limit: 10, cursor: first.nextCursor });
      expect(rest.jobs.map((job) => job.id)).toEqual(jobs.slice(3).map((job) => job.id));
    });

    it('list_cursor_does_not_repeat_jobs_when_earlier_ones_arrive', async () => {
      const h = await setup();
      const [arriving, ...steady] = jobsWithAscendingIds(h, 7) as [NewJobRecord, ...NewJobRecord[]];
      for (const job of steady) await h.driver.enqueue(job, h.clock.now());
      const first = await h.driver.list({ queue: h.queue, limit: 3 });
      expect(first.jobs.map((job) => job.id)).toEqual(steady.slice(0, 3).map((job) => job.id));
      await h.driver.enqueue(arriving, h.clock.now());
      const rest = await h.driver.list({ queue: h.queue, limit: 10, cursor: first.nextCursor });
      expect(rest.jobs.map((job) => job.id)).toEqual(steady.slice(3).map((job) => job.id));
    });

    it('list_of_an_unknown_queue_is_empty', async () => {
      const h = await setup();
      await enqueueJob(h);
      expect(await h.driver.list({ queue: h.newQueue(), limit: 10 })).toEqual({ jobs: [] });
    });

    it('list_sets_next_cursor_only_when_more_jobs_follow', async () => {
      const h = await setup();
      for (const job of jobsWithAscendingIds(h, 3)) await h.driver.enqueue(job, h.clock.now());
      expect((await h.driver.list({ queue: h.queue, limit: 3 })).nextCursor).toBeUndefined();
      const first = await h.driver.list({ queue: h.queue, limit: 2 });
      expect(first.nextCursor).toEqual(expect.any(String));
      const last = await h.driver.list({ queue: h.queue, limit: 1, cursor: first.nextCursor });
      expect(last.jobs).toHaveLength(1);
      expect(last.nextCursor).toBeUndefined();
    });

    it('list_accepts_limits_of_1_and_1000', async () => {
      const h = await setup();
      const jobs = jobsWithAscendingIds(h, 3);
      for (const job of jobs) await h.driver.enqueue(job, h.clock.now());
      expect((await h.driver.list({ queue: h.queue, limit: 1 })).jobs.map((job) => job.id)).toEqual([jobs[0]?.id]);
      expect((await h.driver.list({ queue: h.queue, limit: 1000 })).jobs).toHaveLength(3);
    });

    it('list_rejects_an_invalid_queue_name_or_status', async () => {
      const h = await setup();
      await enqueueJob(h);
      const invalid: [field: string, request: ListRequest][] = [
        ['queue', { queue: '', limit: 10 }],
        ['status', { queue: h.queue, limit: 10, status: 'running' as JobStatus }],
        ['status', { queue: h.queue, limit: 10, status: 'READY' as JobStatus }],
      ];
      for (const [field, request] of invalid) {
        expect((await expectError(() => h.driver.list(request), ValidationError)).field).toBe(field);
      }
    });

    it('list_with_unknown_cursor_is_a_validation_error', async () => {
      const h = await setup();
      await enqueueJob(h);
      await enqueueJob(h);
      for (const cursor of ['', 'not-a-cursor', '0', 42 as unknown as string]) {
        const list = () => h.driver.list({ queue: h.queue, limit: 1, cursor });
        expect((await expectError(list, ValidationError)).field, String(cursor)).toBe('cursor');
      }
    });

    it('list_rejects_limit_outside_1_to_1000', async () => {
      const h = await setup();
      for (const limit of [0, 1001, 2.5]) {
        const list = () => h.driver.list({ queue: h.queue, limit });
        expect((await expectError(list, ValidationError)).field).toBe('limit');
      }
    });

    it('requeue_dlq_makes_the_job_ready_at_the_tail_with_dlq_fields_cleared', async () => {
      const h = await setup();
      const { lease } = await enqueueAndReserve(h);
      await h.driver.fail(lease, failUpdate(h, { attempts: 3, lastError: 'e' }), h.clock.now());
      const waiting = await enqueueJob(h);
      await h.driver.requeueDlq(refOf(lease), { now: h.clock.now() });
      const record = await h.driver.inspect(refOf(lease));
      expect(record).toMatchObject({ status: 'ready', attempts: 3, lastError: 'e' });
      expect([record?.dlqReason, record?.dlqFailedAt, record?.lease, record?.runAt]).toEqual([undefined, undefined, undefined, undefined]);
      expect(await reserveIds(h)).toEqual([waiting.id, lease.jobId]);
    });

    it('requeue_dlq_with_reset_attempts_clears_attempts_last_error_and_failed_at', async () => {
      const h = await setup();
      const { lease } = await enqueueAndReserve(h);
      await h.driver.fail(lease, failUpdate(h, { attempts: 3, lastError: 'e' }), h.clock.now());
      await h.driver.requeueDlq(refOf(lease), { resetAttempts: true, now: h.clock.now() });
      const record = await h.driver.inspect(refOf(lease));
      expect(record).toMatchObject({ status: 'ready', attempts: 0 });
      expect([record?.lastError, record?.failedAt]).toEqual([undefined, undefined]);
    });

    it('requeue_dlq_resets_reclaims', async () => {
      const h = await setup();
      const first = await enqueueAndReserve(h);
      await h.clock.advanceTo(first.lease.expiresAt);
      const [again] = (await h.driver.reserve({ queue: h.queue, limit: 1, leaseMs: LEASE_MS, now: h.clock.now() })).jobs;
      expect(again?.job.reclaims).toBe(1);
      await h.driver.fail(again!.lease, failUpdate(h), h.clock.now());
      await h.driver.requeueDlq(refOf(first.lease), { now: h.clock.now() });
      expect(await h.driver.inspect(refOf(first.lease))).toMatchObject({ status: 'ready', reclaims: 0 });
    });

    it('requeue_dlq_with_future_run_at_schedules_the_job', async () => {
      const h = await setup();
      const { lease } = await deadJob(h);
      const runAt = h.clock.now() + 5000;
      await h.driver.requeueDlq(refOf(lease), { runAt, now: h.clock.now() });
      expect(await h.driver.inspect(refOf(lease))).toMatchObject({ status: 'scheduled', runAt });
      await h.clock.advanceTo(runAt - 1);
      expect(await reserveIds(h)).toEqual([]);
      await h.clock.advanceTo(runAt);
      expect(await reserveIds(h)).toEqual([lease.jobId]);
    });

    it('requeue_dlq_rejects_an_invalid_run_at_or_reset_attempts', async () => {
      const h = await setup();
      const { lease } = await deadJob(h);
      const invalid: [field: string, options: RequeueOptions][] = [
        ['runAt', { now: h.clock.now(), runAt: h.clock.now() + 0.5 }],
        ['runAt', { now: h.clock.now(), runAt: -1 }],
        ['resetAttempts', { now: h.clock.now(), resetAttempts: 'yes' as unknown as boolean }],
      ];
      for (const [field, options] of invalid) {
        const requeue = () => h.driver.requeueDlq(refOf(lease), options);
        expect((await expectRejectedUnchanged(h, refOf(lease), requeue, ValidationError)).field).toBe(field);
      }
    });

    it('requeue_dlq_rejects_a_job_not_in_dlq', async () => {
      const h = await setup();
      const { lease } = await doneJob(h);
      const ready = await enqueueJob(h);
      for (const ref of [refOf(lease), { queue: h.queue, id: ready.id }]) {
        const requeue = () => h.driver.requeueDlq(ref, { now: h.clock.now() });
        expect((await expectRejectedUnchanged(h, ref, requeue, ValidationError)).field).toBe('status');
      }
    });

    it('requeue_dlq_of_an_unknown_job_is_job_not_found', async () => {
      const h = await setup();
      const { lease } = await deadJob(h);
      const requeue = () => h.driver.requeueDlq({ queue: h.newQueue(), id: lease.jobId }, { now: h.clock.now() });
      await expectError(requeue, JobNotFoundError);
      expect((await h.driver.inspect(refOf(lease)))?.status).toBe('dlq');
    });

    it('counts_match_each_status', async () => {
      const h = await setup();
      await doneJob(h);
      await deadJob(h);
      await enqueueAndReserve(h);
      await enqueueJob(h);
      await enqueueJob(h);
      await enqueueJob(h, { runAt: h.clock.now() + 1000 });
      expect(await coreCounts(h, h.queue)).toEqual({ ready: 2, scheduled: 1, inflight: 1, done: 1, dlq: 1 });
    });

    it('counts_of_an_unknown_queue_are_all_zero', async () => {
      const h = await setup();
      await enqueueJob(h);
      expect(await coreCounts(h, h.newQueue())).toEqual({ ready: 0, scheduled: 0, inflight: 0, done: 0, dlq: 0 });
    });

    it('counts_rejects_an_invalid_queue_name', async () => {
      const h = await setup();
      for (const queue of ['', `${h.queue}\n`]) {
        expect((await expectError(() => h.driver.counts(queue), ValidationError)).field).toBe('queue');
      }
    });

    it('queues_lists_every_queue_sorted', async () => {
      const h = await setup();
      const [a, b] = [`${h.queue}-a`, `${h.queue}-b`];
      await h.driver.enqueue(newJob(b), h.clock.now());
      await h.driver.enqueue(newJob(a), h.clock.now());
      const queues = await h.driver.queues();
      expect(queues).toEqual(expect.arrayContaining([a, b]));
      expect(queues).toEqual([...queues].sort());
      expect(queues).not.toContain(h.queue);
    });

    it('retention_removes_the_oldest_done_jobs_past_max_done_count', async () => {
      const h = await setup({ retention: { maxDoneCount: 2 } });
      for (let i = 0; i < 3; i++) await enqueueJob(h);
      const { jobs } = await h.driver.reserve({ queue: h.queue, limit: 3, leaseMs: LEASE_MS, now: h.clock.now() });
      expect(jobs).toHaveLength(3);
      const [a, b, c] = jobs.map((r) => r.lease) as [Lease, Lease, Lease];
      for (const lease of [c, a, b]) {
        await h.clock.advance(10);
        await h.driver.ack(lease, h.clock.now());
      }
      expect(await h.driver.inspect(refOf(c))).toBeUndefined();
      expect((await h.driver.inspect(refOf(a)))?.status).toBe('done');
      expect((await h.driver.inspect(refOf(b)))?.status).toBe('done');
      expect((await h.driver.counts(h.queue)).done).toBe(2);
    });

    it('retention_removes_the_idempotency_mapping_with_the_job', async () => {
      const h = await setup({ retention: { maxDoneCount: 1 } });
      const { lease } = await enqueueAndReserve(h, { job: { idempotencyKey: 'k' } });
      await h.driver.ack(lease, h.clock.now());
      await h.clock.advance(10);
      await doneJob(h);
      expect(await h.driver.inspect(refOf(lease))).toBeUndefined();
      const again = newJob(h.queue, { idempotencyKey: 'k' });
      expect(await h.driver.enqueue(again, h.clock.now())).toEqual({ id: again.id, existed: false });
    });

    it('retention_removes_done_jobs_older_than_max_done_age_ms', async () => {
      const h = await setup({ retention: { maxDoneAgeMs: 1000 } });
      const { lease: old } = await doneJob(h);
      await h.clock.advance(1001);
      const { lease: fresh } = await doneJob(h);
      expect(await h.driver.inspect(refOf(old))).toBeUndefined();
      expect((await h.driver.inspect(refOf(fresh)))?.status).toBe('done');
    });

    it('retention_keeps_a_done_job_exactly_max_done_age_ms_old', async () => {
      const h = await setup({ retention: { maxDoneAgeMs: 1000 } });
      const { lease: old } = await doneJob(h);
      await h.clock.advance(1000);
      await doneJob(h);
      expect((await h.driver.inspect(refOf(old)))?.status).toBe('done');
    });

    it('retention_never_removes_dlq_jobs', async () => {
      const h = await setup({ retention: { maxDoneCount: 1, maxDoneAgeMs: 1000 } });
      const { lease } = await deadJob(h);
      await h.clock.advance(60_000);
      await doneJob(h);
      await doneJob(h);
      expect((await h.driver.inspect(refOf(lease)))?.status).toBe('dlq');
    });

    it('retention_rejects_negative_or_fractional_settings', async () => {
      const invalid: [field: string, retention: RetentionOptions][] = [
        ['retention.maxDoneCount', { maxDoneCount: -1 }],
        ['retention.maxDoneCount', { maxDoneCount: 2.5 }],
        ['retention.maxDoneAgeMs', { maxDoneAgeMs: -1000 }],
        ['retention.maxDoneAgeMs', { maxDoneAgeMs: Number.NaN }],
      ];
      for (const [field, retention] of invalid) {
        expect((await expectError(() => setup({ retention }), ValidationError)).field).toBe(field);
      }
    });

    it('retention_of_zero_done_jobs_keeps_none', async () => {
      const h = await setup({ retention: { maxDoneCount: 0 } });
      const { lease } = await doneJob(h);
      expect(await h.driver.inspect(refOf(lease))).toBeUndefined();
      expect((await h.driver.counts(h.queue)).done).toBe(0);
    });

    it('retention_of_infinity_switches_that_rule_off', async () => {
      const h = await setup({ retention: { maxDoneCount: Number.POSITIVE_INFINITY, maxDoneAgeMs: Number.POSITIVE_INFINITY } });
      const { lease } = await doneJob(h);
      await h.clock.advance(10 * 365 * 24 * 60 * 60 * 1000);
      await doneJob(h);
      expect((await h.driver.inspect(refOf(lease)))?.status).toBe('done');
      expect((await h.driver.counts(h.queue)).done).toBe(2);
    });

    it('retention_counts_done_jobs_per_queue', async () => {
      const h = await setup({ retention: { maxDoneCount: 1 } });
      const { lease } = await doneJob(h);
      const elsewhere = { ...h, queue: h.newQueue() };
      await doneJob(elsewhere);
      expect((await h.driver.inspect(refOf(lease)))?.status).toBe('done');
      expect((await h.driver.counts(elsewhere.queue)).done).toBe(1);
    });
  });
}
