import { type JobRecord, type JobRef, ValidationError } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import { expectError, expectEmptyQueue } from './assertions.js';
import { deadJob, enqueueAndReserve, enqueueJob, newJob, refOf, reserveIds, retryUpdate } from './fixtures.js';
import { flow } from './flow-control-fixtures.js';
import { control, recordOf } from './job-control-fixtures.js';
import { SAMPLE_META } from './observability-fixtures.js';
import type { Harness, Setup } from './setup.js';

/** The job's stored meta, which the case expects to be `expected`. */
async function expectMeta(h: Harness, ref: JobRef, expected: Record<string, string> | undefined): Promise<void> {
  expect((await recordOf(h, ref)).meta, `meta of ${ref.id}`).toEqual(expected);
}

/** The one job reserve hands out now, which the case expects to be `id`. */
async function reserveOne(h: Harness, id: string, leaseMs?: number): Promise<JobRecord> {
  const { jobs } = await h.driver.reserve({ queue: h.queue, limit: 1, leaseMs: leaseMs ?? 30_000, now: h.clock.now() });
  expect(jobs.map((reserved) => reserved.job.id)).toEqual([id]);
  return (jobs[0] as { job: JobRecord }).job;
}

/** Meta that validateMeta refuses, each with the field the error names. */
function badMetas(): { meta: unknown; field: string }[] {
  const many: Record<string, string> = {};
  for (let i = 0; i < 33; i++) many[`k${i}`] = 'v';
  return [
    { meta: { 'bad key': 'v' }, field: 'meta.bad key' },
    { meta: { _leading: 'v' }, field: 'meta._leading' },
    { meta: { n: 1 }, field: 'meta.n' },
    { meta: { lone: 'a\uD800b' }, field: 'meta.lone' },
    { meta: many, field: 'meta' },
    { meta: { big: 'x'.repeat(5000) }, field: 'meta' },
    { meta: ['v'], field: 'meta' },
    { meta: 'traceparent', field: 'meta' },
  ];
}

export function observabilityMetaCases(setup: Setup, options: { jobControl: boolean; flowControl: boolean }): void {
  describe('observability: meta', () => {
    it('enqueue_stores_meta_and_reserve_inspect_and_list_return_it', async () => {
      const h = await setup();
      const job = await enqueueJob(h, { meta: { ...SAMPLE_META } });
      const ref = { queue: h.queue, id: job.id };
      await expectMeta(h, ref, SAMPLE_META);
      const page = await h.driver.list({ queue: h.queue, limit: 10 });
      expect(page.jobs.map((listed) => listed.meta)).toEqual([SAMPLE_META]);
      expect((await reserveOne(h, job.id)).meta).toEqual(SAMPLE_META);
      await expectMeta(h, ref, SAMPLE_META);
    });

    it('a_job_without_meta_or_with_an_empty_map_reads_back_without_meta', async () => {
      const h = await setup();
      const none = await enqueueJob(h);
      const empty = await enqueueJob(h, { meta: {} });
      await expectMeta(h, { queue: h.queue, id: none.id }, undefined);
      await expectMeta(h, { queue: h.queue, id: empty.id }, undefined);
      const { jobs } = await h.driver.reserve({ queue: h.queue, limit: 2, leaseMs: 30_000, now: h.clock.now() });
      expect(jobs.map((reserved) => reserved.job.meta)).toEqual([undefined, undefined]);
    });

    it('enqueue_many_stores_each_jobs_own_meta', async () => {
      const h = await setup();
      const jobs = [
        newJob(h.queue, { createdAt: h.clock.now(), meta: { traceparent: 'one' } }),
        newJob(h.queue, { createdAt: h.clock.now() }),
        newJob(h.queue, { createdAt: h.clock.now(), meta: { traceparent: 'three', extra: '3' } }),
      ];
      await h.driver.enqueueMany(jobs, h.clock.now());
      await expectMeta(h, { queue: h.queue, id: jobs[0]?.id as string }, { traceparent: 'one' });
      await expectMeta(h, { queue: h.queue, id: jobs[1]?.id as string }, undefined);
      await expectMeta(h, { queue: h.queue, id: jobs[2]?.id as string }, { traceparent: 'three', extra: '3' });
    });

    it('records_handed_out_are_copies_of_meta', async () => {
      const h = await setup();
      const meta = { traceparent: 'first' };
      const job = await enqueueJob(h, { meta });
      meta.traceparent = 'changed by the caller';
      const ref = { queue: h.queue, id: job.id };
      const inspected = await recordOf(h, ref);
      (inspected.meta as Record<string, string>).traceparent = 'changed on a read';
      const reserved = await reserveOne(h, job.id);
      (reserved.meta as Record<string, string>).added = 'x';
      await expectMeta(h, ref, { traceparent: 'first' });
    });

    it('retry_release_reclaim_and_ack_keep_meta', async () => {
      const h = await setup();
      const { lease } = await enqueueAndReserve(h, { job: { meta: { ...SAMPLE_META } } });
      const ref = refOf(lease);
      await h.driver.retry(lease, retryUpdate(h), h.clock.now());
      await expectMeta(h, ref, SAMPLE_META);
      const afterRetry = await h.driver.reserve({ queue: h.queue, limit: 1, leaseMs: 30_000, now: h.clock.now() });
      expect(afterRetry.jobs[0]?.job.meta).toEqual(SAMPLE_META);
      await h.driver.release(afterRetry.jobs[0]?.lease as never, h.clock.now());
      await expectMeta(h, ref, SAMPLE_META);
      const short = await reserveOne(h, ref.id, 1000);
      expect(short.meta).toEqual(SAMPLE_META);
      await h.clock.advance(1000);
      const { jobs } = await h.driver.reserve({ queue: h.queue, limit: 1, leaseMs: 30_000, now: h.clock.now() });
      expect(jobs[0]?.job).toMatchObject({ id: ref.id, reclaims: 1, meta: SAMPLE_META });
      await h.driver.ack(jobs[0]?.lease as never, h.clock.now());
      expect(await recordOf(h, ref)).toMatchObject({ status: 'done', meta: SAMPLE_META });
    });

    it('fail_and_requeue_keep_meta', async () => {
      const h = await setup();
      const dead = await enqueueAndReserve(h, { job: { meta: { traceparent: 'dead-one' } } });
      await h.driver.fail(dead.lease, { attempts: 1, lastError: 'boom', failedAt: h.clock.now(), reason: 'gave up' }, h.clock.now());
      const ref = refOf(dead.lease);
      expect(await recordOf(h, ref)).toMatchObject({ status: 'dlq', meta: { traceparent: 'dead-one' } });
      await h.driver.requeueDlq(ref, { now: h.clock.now() });
      expect((await reserveOne(h, ref.id)).meta).toEqual({ traceparent: 'dead-one' });
      await expectMeta(h, ref, { traceparent: 'dead-one' });
      if (options.jobControl) {
        const other = await deadJob(h);
        await expectMeta(h, refOf(other.lease), undefined);
        const again = await enqueueAndReserve(h, { job: { meta: { traceparent: 'dead-two' } } });
        await h.driver.fail(again.lease, { attempts: 1, lastError: 'boom', failedAt: h.clock.now(), reason: 'x' }, h.clock.now());
        expect(await control(h).requeueDlqMany(h.queue, { now: h.clock.now() })).toBe(2);
        await expectMeta(h, refOf(again.lease), { traceparent: 'dead-two' });
        await expectMeta(h, refOf(other.lease), undefined);
      }
    });

    if (options.flowControl) {
      it('snooze_and_hold_back_keep_meta', async () => {
        const h = await setup();
        const { lease } = await enqueueAndReserve(h, { job: { meta: { traceparent: 'flow' } } });
        await flow(h).snooze(lease, h.clock.now(), h.clock.now());
        await expectMeta(h, refOf(lease), { traceparent: 'flow' });
        const again = await h.driver.reserve({ queue: h.queue, limit: 1, leaseMs: 30_000, now: h.clock.now() });
        expect(again.jobs[0]?.job.meta).toEqual({ traceparent: 'flow' });
        await flow(h).holdBack(again.jobs[0]?.lease as never, h.clock.now() + 1000, h.clock.now());
        await expectMeta(h, refOf(lease), { traceparent: 'flow' });
      });
    }

    it('a_second_enqueue_of_the_same_id_or_key_leaves_the_first_meta', async () => {
      const h = await setup();
      const first = await enqueueJob(h, { idempotencyKey: 'once', meta: { traceparent: 'first' } });
      const byKey = newJob(h.queue, { createdAt: h.clock.now(), idempotencyKey: 'once', meta: { traceparent: 'second' } });
      expect(await h.driver.enqueue(byKey, h.clock.now())).toEqual({ id: first.id, existed: true });
      const byId = { ...first, idempotencyKey: undefined, meta: { other: 'third' } };
      expect(await h.driver.enqueue(byId, h.clock.now())).toEqual({ id: first.id, existed: true });
      await expectMeta(h, { queue: h.queue, id: first.id }, { traceparent: 'first' });
      expect(await reserveIds(h)).toEqual([first.id]);
    });

    it('enqueue_refuses_bad_meta_and_stores_nothing', async () => {
      const h = await setup();
      for (const { meta, field } of badMetas()) {
        const job = newJob(h.queue, { createdAt: h.clock.now(), meta: meta as Record<string, string> });
        const error = await expectError(() => h.driver.enqueue(job, h.clock.now()), ValidationError);
        expect(error.field, JSON.stringify(meta).slice(0, 60)).toBe(field);
        const good = newJob(h.queue, { createdAt: h.clock.now() });
        await expectError(() => h.driver.enqueueMany([good, job], h.clock.now()), ValidationError);
        expect(await h.driver.inspect({ queue: h.queue, id: good.id })).toBeUndefined();
      }
      await expectEmptyQueue(h);
    });
  });
}
