import { MAX_PAYLOAD_BYTES, MAX_TIME_MS, type NewJobRecord, ValidationError } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import { expectEmptyQueue, expectError, expectSameBytes } from './assertions.js';
import { enqueueJob, newJob, patternBytes, reserveIds } from './fixtures.js';
import type { Harness, Setup } from './setup.js';

/** Each invalid record: the case name, what makes it invalid, and the field the error names. */
const INVALID_RECORDS: [name: string, field: string, invalid: (h: Harness) => Partial<NewJobRecord>][] = [
  ['enqueue_rejects_empty_type', 'type', () => ({ type: '' })],
  ['enqueue_rejects_whitespace_in_type', 'type', () => ({ type: 'email send' })],
  ['enqueue_rejects_empty_id', 'id', () => ({ id: '' })],
  ['enqueue_rejects_empty_queue', 'queue', () => ({ queue: '' })],
  ['enqueue_rejects_braces_in_queue', 'queue', (h) => ({ queue: `{${h.queue}}` })],
  ['enqueue_rejects_negative_run_at', 'runAt', () => ({ runAt: -1 })],
  ['enqueue_rejects_nan_run_at', 'runAt', () => ({ runAt: Number.NaN })],
  ['enqueue_rejects_infinite_run_at', 'runAt', () => ({ runAt: Number.POSITIVE_INFINITY })],
  ['enqueue_rejects_fractional_run_at', 'runAt', (h) => ({ runAt: h.clock.now() + 0.5 })],
  ['enqueue_rejects_run_at_after_max_time', 'runAt', () => ({ runAt: MAX_TIME_MS + 1 })],
  ['enqueue_rejects_zero_timeout', 'timeoutMs', () => ({ timeoutMs: 0 })],
  ['enqueue_rejects_negative_timeout', 'timeoutMs', () => ({ timeoutMs: -1000 })],
  ['enqueue_rejects_zero_max_attempts', 'maxAttempts', () => ({ maxAttempts: 0 })],
  ['enqueue_rejects_payload_over_max_payload_bytes', 'payload', () => ({ payload: new Uint8Array(MAX_PAYLOAD_BYTES + 1) })],
  ['enqueue_rejects_empty_idempotency_key', 'idempotencyKey', () => ({ idempotencyKey: '' })],
];

export function enqueueCases(setup: Setup): void {
  describe('enqueue', () => {
    for (const [name, field, invalid] of INVALID_RECORDS) {
      it(`${name}_and_stores_nothing`, async () => {
        const h = await setup();
        const job = newJob(h.queue, { createdAt: h.clock.now(), ...invalid(h) });
        const error = await expectError(() => h.driver.enqueue(job, h.clock.now()), ValidationError);
        expect(error.field).toBe(field);
        await expectEmptyQueue(h);
        expect(await h.driver.queues()).not.toContain(job.queue);
      });
    }

    it('ready_job_is_reservable_at_once', async () => {
      const h = await setup();
      const job = await enqueueJob(h);
      expect((await h.driver.inspect({ queue: h.queue, id: job.id }))?.status).toBe('ready');
      expect(await reserveIds(h)).toEqual([job.id]);
    });

    it('enqueue_answers_the_id_with_existed_false', async () => {
      const h = await setup();
      const job = newJob(h.queue);
      expect(await h.driver.enqueue(job, h.clock.now())).toEqual({ id: job.id, existed: false });
    });

    it('scheduled_job_is_not_reservable_before_run_at', async () => {
      const h = await setup();
      const job = await enqueueJob(h, { runAt: h.clock.now() + 5000 });
      expect((await h.driver.inspect({ queue: h.queue, id: job.id }))?.status).toBe('scheduled');
      await h.clock.advance(4999);
      expect(await reserveIds(h)).toEqual([]);
    });

    it('scheduled_job_is_reservable_at_run_at', async () => {
      const h = await setup();
      const job = await enqueueJob(h, { runAt: h.clock.now() + 5000 });
      await h.clock.advance(5000);
      expect(await reserveIds(h)).toEqual([job.id]);
    });

    it('job_with_due_run_at_is_ready_and_keeps_run_at', async () => {
      const h = await setup();
      const runAt = h.clock.now() - 1000;
      const job = await enqueueJob(h, { runAt });
      const stored = await h.driver.inspect({ queue: h.queue, id: job.id });
      expect(stored?.status).toBe('ready');
      expect(stored?.runAt).toBe(runAt);
    });

    it('ready_jobs_come_out_fifo', async () => {
      const h = await setup();
      // Ids in descending order, so a driver that hands out by id fails.
      const jobs = [newJob(h.queue), newJob(h.queue), newJob(h.queue), newJob(h.queue)].reverse();
      for (const job of jobs) await h.driver.enqueue(job, h.clock.now());
      expect(await reserveIds(h, { limit: 2 })).toEqual([jobs[0]?.id, jobs[1]?.id]);
      expect(await reserveIds(h, { limit: 2 })).toEqual([jobs[2]?.id, jobs[3]?.id]);
    });

    it('ready_jobs_come_out_fifo_across_many_enqueues_and_reserves', async () => {
      const h = await setup();
      const enqueued: string[] = [];
      const handedOut: string[] = [];
      // Five in, three out per round: the ready list keeps growing while its head moves on.
      for (let round = 0; round < 20; round++) {
        for (let i = 0; i < 5; i++) enqueued.push((await enqueueJob(h)).id);
        handedOut.push(...(await reserveIds(h, { limit: 3 })));
      }
      handedOut.push(...(await reserveIds(h)));
      expect(handedOut).toEqual(enqueued);
    });

    it('ready_job_is_preferred_over_not_yet_due_scheduled_job', async () => {
      const h = await setup();
      await enqueueJob(h, { runAt: h.clock.now() + 1000 });
      const ready = await enqueueJob(h);
      expect(await reserveIds(h)).toEqual([ready.id]);
    });

    it('payload_bytes_round_trip_exactly', async () => {
      const h = await setup();
      const payload = Uint8Array.of(0xff, 0xfe, 0x00, 0xc3, 0x28, 0x80, 0xed, 0xa0, 0x80, 0x00);
      const job = await enqueueJob(h, { payload });
      expectSameBytes((await h.driver.inspect({ queue: h.queue, id: job.id }))?.payload, payload);
      const { jobs } = await h.driver.reserve({ queue: h.queue, limit: 1, leaseMs: 1000, now: h.clock.now() });
      expectSameBytes(jobs[0]?.job.payload, payload);
    });

    it('stored_payload_does_not_change_with_the_callers_bytes', async () => {
      const h = await setup();
      const payload = Uint8Array.of(1, 2, 3);
      const job = await enqueueJob(h, { payload });
      payload[0] = 9;
      const inspected = await h.driver.inspect({ queue: h.queue, id: job.id });
      expectSameBytes(inspected?.payload, Uint8Array.of(1, 2, 3));
      (inspected?.payload as Uint8Array)[1] = 9;
      const { jobs } = await h.driver.reserve({ queue: h.queue, limit: 1, leaseMs: 1000, now: h.clock.now() });
      expectSameBytes(jobs[0]?.job.payload, Uint8Array.of(1, 2, 3));
      (jobs[0]?.job.payload as Uint8Array)[2] = 9;
      expectSameBytes((await h.driver.inspect({ queue: h.queue, id: job.id }))?.payload, Uint8Array.of(1, 2, 3));
    });

    it('empty_payload_round_trips', async () => {
      const h = await setup();
      const job = await enqueueJob(h, { payload: new Uint8Array(0) });
      const { jobs } = await h.driver.reserve({ queue: h.queue, limit: 1, leaseMs: 1000, now: h.clock.now() });
      expect(jobs[0]?.job.id).toBe(job.id);
      expectSameBytes(jobs[0]?.job.payload, new Uint8Array(0));
    });

    it('one_mib_payload_round_trips', async () => {
      const h = await setup();
      const payload = patternBytes(1024 * 1024);
      const job = await enqueueJob(h, { payload });
      expectSameBytes((await h.driver.inspect({ queue: h.queue, id: job.id }))?.payload, payload);
    });

    it('payload_of_exactly_max_payload_bytes_is_accepted_and_round_trips', async () => {
      const h = await setup();
      const payload = patternBytes(MAX_PAYLOAD_BYTES);
      const job = await enqueueJob(h, { payload });
      const { jobs } = await h.driver.reserve({ queue: h.queue, limit: 1, leaseMs: 1000, now: h.clock.now() });
      expect(jobs[0]?.job.id).toBe(job.id);
      expectSameBytes(jobs[0]?.job.payload, payload);
    });

    it('duplicate_idempotency_key_in_queue_returns_first_id_and_changes_nothing', async () => {
      const h = await setup();
      const first = await enqueueJob(h, { idempotencyKey: 'signup-42' });
      const before = await h.driver.inspect({ queue: h.queue, id: first.id });
      const second = newJob(h.queue, { idempotencyKey: 'signup-42', type: 'other.type', payload: Uint8Array.of(9) });
      expect(await h.driver.enqueue(second, h.clock.now())).toEqual({ id: first.id, existed: true });
      expect(await h.driver.inspect({ queue: h.queue, id: second.id })).toBeUndefined();
      expect(await h.driver.inspect({ queue: h.queue, id: first.id })).toEqual(before);
      expect((await h.driver.counts(h.queue)).ready).toBe(1);
    });

    it('same_idempotency_key_in_another_queue_makes_a_new_job', async () => {
      const h = await setup();
      const other = h.newQueue();
      const first = await enqueueJob(h, { idempotencyKey: 'signup-42' });
      const second = newJob(other, { idempotencyKey: 'signup-42' });
      expect(await h.driver.enqueue(second, h.clock.now())).toEqual({ id: second.id, existed: false });
      expect(await reserveIds(h, { queue: other })).toEqual([second.id]);
      expect(await reserveIds(h)).toEqual([first.id]);
    });

    it('no_idempotency_key_never_dedupes', async () => {
      const h = await setup();
      const a = await enqueueJob(h);
      const b = await enqueueJob(h);
      expect(await reserveIds(h)).toEqual([a.id, b.id]);
    });

    it('enqueue_of_existing_id_is_a_no_op_with_existed', async () => {
      const h = await setup();
      const first = await enqueueJob(h);
      const before = await h.driver.inspect({ queue: h.queue, id: first.id });
      const resent = { ...first, type: 'other.type', payload: Uint8Array.of(9), runAt: h.clock.now() + 5000 };
      expect(await h.driver.enqueue(resent, h.clock.now())).toEqual({ id: first.id, existed: true });
      expect(await h.driver.inspect({ queue: h.queue, id: first.id })).toEqual(before);
      expect((await h.driver.counts(h.queue)).ready).toBe(1);
    });

    it('enqueue_of_existing_id_does_not_touch_an_inflight_job', async () => {
      const h = await setup();
      const first = await enqueueJob(h);
      await reserveIds(h);
      const before = await h.driver.inspect({ queue: h.queue, id: first.id });
      expect(await h.driver.enqueue(first, h.clock.now())).toEqual({ id: first.id, existed: true });
      expect(await h.driver.inspect({ queue: h.queue, id: first.id })).toEqual(before);
      expect(await reserveIds(h)).toEqual([]);
    });

    it('same_id_in_another_queue_makes_a_new_job', async () => {
      const h = await setup();
      const first = await enqueueJob(h);
      const copy = { ...first, queue: h.newQueue() };
      expect(await h.driver.enqueue(copy, h.clock.now())).toEqual({ id: first.id, existed: false });
      expect(await reserveIds(h, { queue: copy.queue })).toEqual([first.id]);
      expect(await reserveIds(h)).toEqual([first.id]);
    });

    it('enqueue_many_stores_all_in_order', async () => {
      const h = await setup();
      const jobs = [newJob(h.queue), newJob(h.queue), newJob(h.queue)].reverse();
      const results = await h.driver.enqueueMany(jobs, h.clock.now());
      expect(results).toEqual(jobs.map((job) => ({ id: job.id, existed: false })));
      expect(await reserveIds(h)).toEqual(jobs.map((job) => job.id));
    });

    it('enqueue_many_validates_all_before_storing_any', async () => {
      const h = await setup();
      const jobs = [newJob(h.queue), newJob(h.queue), newJob(h.queue, { maxAttempts: 0 })];
      const error = await expectError(() => h.driver.enqueueMany(jobs, h.clock.now()), ValidationError);
      expect(error.field).toBe('maxAttempts');
      await expectEmptyQueue(h);
    });

    it('enqueue_many_dedupes_within_the_batch', async () => {
      const h = await setup();
      const first = newJob(h.queue, { idempotencyKey: 'k' });
      const sameKey = newJob(h.queue, { idempotencyKey: 'k' });
      const sameId = { ...first, idempotencyKey: 'other-key' };
      const results = await h.driver.enqueueMany([first, sameKey, sameId], h.clock.now());
      expect(results).toEqual([
        { id: first.id, existed: false },
        { id: first.id, existed: true },
        { id: first.id, existed: true },
      ]);
      expect(await h.driver.counts(h.queue)).toMatchObject({ ready: 1 });
      expect(await h.driver.inspect({ queue: h.queue, id: sameKey.id })).toBeUndefined();
    });

    it('enqueue_many_answers_existed_for_jobs_already_stored', async () => {
      const h = await setup();
      const stored = await enqueueJob(h, { idempotencyKey: 'k' });
      const fresh = newJob(h.queue);
      const results = await h.driver.enqueueMany([newJob(h.queue, { idempotencyKey: 'k' }), stored, fresh], h.clock.now());
      expect(results).toEqual([
        { id: stored.id, existed: true },
        { id: stored.id, existed: true },
        { id: fresh.id, existed: false },
      ]);
      expect(await reserveIds(h)).toEqual([stored.id, fresh.id]);
    });
  });
}
