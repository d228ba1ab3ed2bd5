import { DriverClosedError, type ScheduleRecord, ScheduleNotFoundError, ValidationError } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import { expectError } from './assertions.js';
import { MINUTE, occurrenceRef, putRequest, putSchedule, scheduleName, scheduleSpec, scheduling, storedSchedule } from './schedules-fixtures.js';
import type { Harness, Setup } from './setup.js';

/** Every schedule the driver lists, page by page (`limit` each), in the order handed out. */
async function listAll(h: Harness, limit: number): Promise<ScheduleRecord[]> {
  const all: ScheduleRecord[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 10_000; page++) {
    const result = await scheduling(h).schedules(cursor === undefined ? { limit } : { limit, cursor });
    all.push(...result.schedules);
    if (result.nextCursor === undefined) return all;
    cursor = result.nextCursor;
  }
  return expect.fail('schedules() kept handing out cursors');
}

const codePointOrder = (a: string, b: string) => (Buffer.compare(Buffer.from(a), Buffer.from(b)));

export function scheduleAdminCases(setup: Setup): void {
  describe('schedules: list, trigger, pause and resume', () => {
    it('schedules_lists_every_schedule_once_in_name_order_across_pages', async () => {
      const h = await setup();
      const prefix = scheduleName();
      const names = [`${prefix}-b`, `${prefix}-a`, `${prefix}-c`];
      for (const name of names) await scheduling(h).putSchedule(putRequest(h, scheduleSpec(h, {}, name)));
      const listed = await listAll(h, 2);
      const ours = listed.filter((record) => record.name.startsWith(prefix));
      expect(ours.map((record) => record.name)).toEqual([...names].sort(codePointOrder));
      expect(ours[0]).toEqual(await storedSchedule(h, `${prefix}-a`));
      const everyName = listed.map((record) => record.name);
      expect(everyName).toEqual([...everyName].sort(codePointOrder));
      expect(new Set(everyName).size).toBe(everyName.length);
    });

    it('schedules_with_a_bad_limit_or_cursor_is_a_validation_error', async () => {
      const h = await setup();
      for (const request of [{ limit: 0 }, { limit: 1001 }, { limit: 1.5 }, { cursor: 'not-a-cursor' }]) {
        const error = await expectError(() => scheduling(h).schedules(request), ValidationError);
        expect(error.field).toBe('cursor' in request ? 'cursor' : 'limit');
      }
    });

    it('trigger_enqueues_a_ready_occurrence_now_without_moving_the_cadence', async () => {
      const h = await setup();
      const record = await putSchedule(h, { jobOptions: { timeoutMs: 9_000, maxAttempts: 2 } });
      await h.clock.advance(10_000);
      const { id, existed } = await scheduling(h).triggerSchedule(record.name, { now: h.clock.now() });
      expect(existed).toBe(false);
      expect(id.startsWith(`${record.name}@trigger-`)).toBe(true);
      const job = await h.driver.inspect({ queue: h.queue, id });
      expect(job).toEqual({
        id,
        type: record.type,
        queue: record.queue,
        payload: record.payload,
        createdAt: h.clock.now(),
        maxAttempts: 2,
        timeoutMs: 9_000,
        schedule: record.name,
        scheduledFor: h.clock.now(),
        status: 'ready',
        attempts: 0,
        reclaims: 0,
      });
      expect(await scheduling(h).getSchedule(record.name)).toEqual(record);
    });

    it('triggers_at_the_same_moment_make_one_job_each', async () => {
      const h = await setup();
      const record = await putSchedule(h);
      const first = await scheduling(h).triggerSchedule(record.name, { now: h.clock.now() });
      const second = await scheduling(h).triggerSchedule(record.name, { now: h.clock.now() });
      expect(first.id).not.toBe(second.id);
      expect(await h.driver.counts(h.queue)).toMatchObject({ ready: 2, scheduled: 1 });
    });

    it('trigger_of_a_paused_schedule_still_enqueues', async () => {
      const h = await setup();
      const record = await putSchedule(h);
      await scheduling(h).pauseSchedule(record.name);
      const { id } = await scheduling(h).triggerSchedule(record.name, { now: h.clock.now() });
      expect(await h.driver.inspect({ queue: h.queue, id })).toMatchObject({ status: 'ready' });
    });

    it('pause_and_resume_flip_the_flag_and_keep_the_pending_occurrence', async () => {
      const h = await setup();
      const record = await putSchedule(h);
      await h.clock.advance(1_000);
      await scheduling(h).pauseSchedule(record.name);
      const paused = await storedSchedule(h, record.name);
      expect(paused).toEqual({ ...record, paused: true, version: record.version + 1 });
      await scheduling(h).pauseSchedule(record.name);
      expect(await storedSchedule(h, record.name)).toEqual(paused);
      expect(await h.driver.inspect(occurrenceRef(record, record.nextRunAt as number))).toMatchObject({ status: 'scheduled' });
      await scheduling(h).resumeSchedule(record.name);
      const resumed = await storedSchedule(h, record.name);
      expect(resumed).toMatchObject({ paused: false, version: record.version + 2, nextRunAt: record.nextRunAt });
      await scheduling(h).resumeSchedule(record.name);
      expect(await storedSchedule(h, record.name)).toEqual(resumed);
    });

    it('trigger_pause_and_resume_of_an_unknown_name_are_schedule_not_found', async () => {
      const h = await setup();
      const name = scheduleName();
      const error = await expectError(() => scheduling(h).triggerSchedule(name, { now: h.clock.now() }), ScheduleNotFoundError);
      expect(error.schedule).toBe(name);
      await expectError(() => scheduling(h).pauseSchedule(name), ScheduleNotFoundError);
      await expectError(() => scheduling(h).resumeSchedule(name), ScheduleNotFoundError);
      expect(await scheduling(h).getSchedule(name)).toBeUndefined();
    });

    it('trigger_pause_and_resume_validate_their_input', async () => {
      const h = await setup();
      const record = await putSchedule(h);
      await expectError(() => scheduling(h).triggerSchedule('', { now: h.clock.now() }), ValidationError);
      await expectError(() => scheduling(h).triggerSchedule(record.name, { now: -MINUTE }), ValidationError);
      await expectError(() => scheduling(h).pauseSchedule('has space'), ValidationError);
      await expectError(() => scheduling(h).resumeSchedule('a{b}'), ValidationError);
      expect(await scheduling(h).getSchedule(record.name)).toEqual(record);
      expect(await h.driver.counts(h.queue)).toMatchObject({ ready: 0, scheduled: 1 });
    });
  });

  describe('schedules: after close', () => {
    type Call = (h: Harness, name: string) => Promise<unknown>;
    const calls: [string, Call][] = [
      ['putSchedule', (h, name) => scheduling(h).putSchedule(putRequest(h, scheduleSpec(h, {}, name)))],
      ['removeSchedule', (h, name) => scheduling(h).removeSchedule(name)],
      ['getSchedule', (h, name) => scheduling(h).getSchedule(name)],
      ['advanceSchedule', (h, name) => scheduling(h).advanceSchedule({ name, version: 1, from: 0, dropCurrent: false, runs: 0, occurrences: [], now: 1 })],
      ['schedules', (h) => scheduling(h).schedules()],
      ['triggerSchedule', (h, name) => scheduling(h).triggerSchedule(name, { now: 1 })],
      ['pauseSchedule', (h, name) => scheduling(h).pauseSchedule(name)],
      ['resumeSchedule', (h, name) => scheduling(h).resumeSchedule(name)],
    ];
    for (const [operation, call] of calls) {
      it(`${operation}_after_close_is_driver_closed`, async () => {
        const h = await setup();
        const record = await putSchedule(h);
        await h.driver.close();
        await expectError(() => call(h, record.name), DriverClosedError);
      });
    }
  });
}
