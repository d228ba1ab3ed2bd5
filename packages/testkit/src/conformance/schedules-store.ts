import { occurrenceJob, occurrenceJobId, ValidationError } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import { expectEmptyQueue, expectError } from './assertions.js';
import { newJob } from './fixtures.js';
import {
  MINUTE,
  occurrenceRef,
  plannedAdvance,
  putRequest,
  putSchedule,
  reservePending,
  scheduleName,
  scheduleSpec,
  scheduling,
  storedSchedule,
} from './schedules-fixtures.js';
import type { Setup } from './setup.js';

export function scheduleStoreCases(setup: Setup): void {
  describe('schedules: put, remove and get', () => {
    it('put_stores_the_schedule_and_its_pending_occurrence_as_a_scheduled_job', async () => {
      const h = await setup();
      const spec = scheduleSpec(h, { jobOptions: { timeoutMs: 5_000 } });
      const request = putRequest(h, spec);
      const result = await scheduling(h).putSchedule(request);
      const next = h.clock.now() + MINUTE;
      const expected = { ...spec, paused: false, nextRunAt: next, runs: 0, version: 1, createdAt: h.clock.now(), updatedAt: h.clock.now() };
      expect(result).toEqual({ status: 'created', schedule: expected });
      expect(await scheduling(h).getSchedule(spec.name)).toEqual(expected);
      expect(await h.driver.inspect({ queue: h.queue, id: occurrenceJobId(spec.name, next) })).toEqual({
        ...occurrenceJob(spec, next, h.clock.now()),
        status: 'scheduled',
        attempts: 0,
        reclaims: 0,
      });
      expect(await h.driver.counts(h.queue)).toMatchObject({ ready: 0, scheduled: 1 });
    });

    it('enqueue_keeps_schedule_and_scheduled_for_on_any_job', async () => {
      const h = await setup();
      const job = newJob(h.queue, { createdAt: h.clock.now(), schedule: 'reports', scheduledFor: 1_234 });
      await h.driver.enqueue(job, h.clock.now());
      expect(await h.driver.inspect({ queue: h.queue, id: job.id })).toMatchObject({ schedule: 'reports', scheduledFor: 1_234 });
      const { jobs } = await h.driver.reserve({ queue: h.queue, limit: 1, leaseMs: MINUTE, now: h.clock.now() });
      expect(jobs[0]?.job).toMatchObject({ schedule: 'reports', scheduledFor: 1_234 });
    });

    it('put_of_the_same_revision_changes_nothing', async () => {
      const h = await setup();
      const spec = scheduleSpec(h);
      await scheduling(h).putSchedule(putRequest(h, spec));
      const before = await storedSchedule(h, spec.name);
      await h.clock.advance(90_000);
      const again = await scheduling(h).putSchedule(putRequest(h, spec));
      expect(again).toEqual({ status: 'unchanged', schedule: before });
      expect(await scheduling(h).getSchedule(spec.name)).toEqual(before);
      const { jobs } = await h.driver.list({ queue: h.queue, limit: 10 });
      expect(jobs.map((job) => job.id)).toEqual([occurrenceJobId(spec.name, before.nextRunAt as number)]);
    });

    it('put_of_a_new_revision_replaces_the_pending_occurrence_atomically', async () => {
      const h = await setup();
      const first = await putSchedule(h);
      await h.clock.advance(10_000);
      const replacement = scheduleSpec(h, { everyMs: 5 * MINUTE, payload: { n: 2 } }, first.name);
      const result = await scheduling(h).putSchedule(putRequest(h, replacement));
      const next = 5 * MINUTE * Math.ceil((h.clock.now() + 1) / (5 * MINUTE));
      expect(result.status).toBe('replaced');
      expect(result.schedule).toEqual({ ...replacement, paused: false, nextRunAt: next, runs: 0, version: 2, createdAt: first.createdAt, updatedAt: h.clock.now() });
      expect(await h.driver.inspect(occurrenceRef(first, first.nextRunAt as number))).toBeUndefined();
      expect(await h.driver.inspect(occurrenceRef(first, next))).toMatchObject({ status: 'scheduled', runAt: next });
      expect(await h.driver.counts(h.queue)).toMatchObject({ ready: 0, scheduled: 1 });
    });

    it('replace_keeps_the_paused_flag_and_the_last_run', async () => {
      const h = await setup();
      const record = await putSchedule(h);
      const held = await reservePending(h, record);
      await scheduling(h).advanceSchedule(plannedAdvance(h, record, 'held', held));
      await scheduling(h).pauseSchedule(record.name);
      const replaced = await scheduling(h).putSchedule(putRequest(h, scheduleSpec(h, { everyMs: 2 * MINUTE }, record.name)));
      expect(replaced.schedule).toMatchObject({ paused: true, lastRunAt: record.nextRunAt, runs: 0 });
    });

    it('replace_leaves_a_pending_occurrence_in_flight_running', async () => {
      const h = await setup();
      const record = await putSchedule(h);
      const held = await reservePending(h, record);
      await scheduling(h).putSchedule(putRequest(h, scheduleSpec(h, { everyMs: 2 * MINUTE }, record.name)));
      expect(await h.driver.inspect(occurrenceRef(record, record.nextRunAt as number))).toMatchObject({ status: 'inflight' });
      await h.driver.ack(held.lease, h.clock.now());
      expect(await h.driver.counts(h.queue)).toMatchObject({ done: 1, scheduled: 1 });
    });

    it('put_of_a_name_held_in_another_queue_is_a_validation_error_and_changes_nothing', async () => {
      const h = await setup();
      const record = await putSchedule(h);
      const elsewhere = scheduleSpec(h, { queue: h.newQueue() }, record.name);
      const error = await expectError(() => scheduling(h).putSchedule(putRequest(h, elsewhere)), ValidationError);
      expect(error.field).toBe('queue');
      expect(await scheduling(h).getSchedule(record.name)).toEqual(record);
      await expectEmptyQueue(h, elsewhere.queue);
    });

    it('put_with_invalid_input_changes_nothing', async () => {
      const h = await setup();
      const spec = scheduleSpec(h);
      const good = putRequest(h, spec);
      const occurrence = good.occurrence as NonNullable<typeof good.occurrence>;
      const bad: [string, unknown][] = [
        ['everyMs', { ...good, schedule: { ...spec, everyMs: 1 } }],
        ['cron', { ...good, schedule: { ...spec, cron: '* * * * *' } }],
        ['timezone', { ...good, schedule: { ...spec, everyMs: undefined, cron: '* * * * *', timezone: 'Nowhere/Else' } }],
        ['endAt', { ...good, schedule: { ...spec, startAt: 2 * MINUTE, endAt: MINUTE } }],
        ['name', { ...good, schedule: { ...spec, name: '' } }],
        ['revision', { ...good, schedule: { ...spec, revision: '' } }],
        ['occurrence', { ...good, occurrence: undefined }],
        ['occurrence', { ...good, occurrence: { ...occurrence, id: 'some-other-id' } }],
        ['occurrence', { ...good, occurrence: { ...occurrence, queue: h.newQueue() } }],
        ['occurrence', { ...good, nextRunAt: undefined }],
        ['now', { ...good, now: -1 }],
      ];
      for (const [field, request] of bad) {
        const error = await expectError(() => scheduling(h).putSchedule(request as typeof good), ValidationError);
        expect(error.field, JSON.stringify(field)).toBe(field);
      }
      expect(await scheduling(h).getSchedule(spec.name)).toBeUndefined();
      await expectEmptyQueue(h);
    });

    it('put_without_a_next_run_stores_an_ended_schedule', async () => {
      const h = await setup();
      const spec = scheduleSpec(h, { endAt: h.clock.now() - 1 });
      const { schedule } = await scheduling(h).putSchedule(putRequest(h, spec));
      expect('nextRunAt' in schedule).toBe(false);
      await expectEmptyQueue(h);
    });

    it('remove_deletes_the_schedule_and_its_waiting_occurrence', async () => {
      const h = await setup();
      const record = await putSchedule(h);
      expect(await scheduling(h).removeSchedule(record.name)).toBe(true);
      expect(await scheduling(h).getSchedule(record.name)).toBeUndefined();
      await expectEmptyQueue(h);
      await h.clock.advance(2 * MINUTE);
      expect((await h.driver.reserve({ queue: h.queue, limit: 5, leaseMs: MINUTE, now: h.clock.now() })).jobs).toEqual([]);
    });

    it('remove_deletes_a_due_occurrence_that_no_one_reserved_yet', async () => {
      const h = await setup();
      const record = await putSchedule(h);
      await h.clock.advance(5 * MINUTE);
      await scheduling(h).removeSchedule(record.name);
      expect((await h.driver.reserve({ queue: h.queue, limit: 5, leaseMs: MINUTE, now: h.clock.now() })).jobs).toEqual([]);
    });

    it('remove_leaves_an_occurrence_in_flight_running', async () => {
      const h = await setup();
      const record = await putSchedule(h);
      const held = await reservePending(h, record);
      await scheduling(h).removeSchedule(record.name);
      await h.driver.ack(held.lease, h.clock.now());
      expect(await h.driver.inspect(occurrenceRef(record, record.nextRunAt as number))).toMatchObject({ status: 'done' });
    });

    it('remove_then_put_makes_a_new_schedule', async () => {
      const h = await setup();
      const record = await putSchedule(h);
      await scheduling(h).removeSchedule(record.name);
      const { status, schedule } = await scheduling(h).putSchedule(putRequest(h, scheduleSpec(h, {}, record.name)));
      expect({ status, version: schedule.version, runs: schedule.runs }).toEqual({ status: 'created', version: 1, runs: 0 });
    });

    it('remove_or_get_of_an_unknown_name_finds_nothing', async () => {
      const h = await setup();
      expect(await scheduling(h).removeSchedule(scheduleName())).toBe(false);
      expect(await scheduling(h).getSchedule(scheduleName())).toBeUndefined();
    });

    it('a_schedule_name_that_is_not_valid_is_a_validation_error', async () => {
      const h = await setup();
      for (const name of ['', 'has space', 'a{b}', 'x'.repeat(257)]) {
        await expectError(() => scheduling(h).getSchedule(name), ValidationError);
        await expectError(() => scheduling(h).removeSchedule(name), ValidationError);
      }
    });
  });
}
