import { LeaseExpiredError, LeaseMismatchError, occurrenceJob, ValidationError } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import { expectError } from './assertions.js';
import { enqueueAndReserve, LEASE_MS, reserveIds, WRONG_TOKEN } from './fixtures.js';
import { withinGuard } from './job-control-fixtures.js';
import {
  MINUTE,
  occurrenceRef,
  plannedAdvance,
  putSchedule,
  reservePending,
  scheduleSpec,
  scheduling,
  storedSchedule,
} from './schedules-fixtures.js';
import type { Harness, Setup } from './setup.js';

/** The schedule and the jobs of its queue, to show that a refused call changed nothing. */
async function snapshot(h: Harness, name: string): Promise<unknown> {
  const { jobs } = await h.driver.list({ queue: h.queue, limit: 100 });
  return { schedule: await scheduling(h).getSchedule(name), jobs };
}

export function scheduleAdvanceCases(setup: Setup): void {
  describe('schedules: advance', () => {
    it('advance_moves_the_cadence_and_stores_the_next_occurrence', async () => {
      const h = await setup();
      const record = await putSchedule(h);
      const held = await reservePending(h, record, (record.nextRunAt as number) + 2_000);
      const tick = record.nextRunAt as number;
      expect(await scheduling(h).advanceSchedule(plannedAdvance(h, record, 'held', held))).toEqual({ advanced: true });
      expect(await storedSchedule(h, record.name)).toEqual({
        ...record,
        nextRunAt: tick + MINUTE,
        lastRunAt: tick,
        runs: 1,
        version: record.version + 1,
        updatedAt: h.clock.now(),
      });
      expect(await h.driver.inspect(occurrenceRef(record, tick))).toMatchObject({ status: 'inflight' });
      expect(await h.driver.inspect(occurrenceRef(record, tick + MINUTE))).toMatchObject({ status: 'scheduled', runAt: tick + MINUTE });
    });

    it('advance_that_drops_the_held_occurrence_deletes_it', async () => {
      const h = await setup();
      const record = await putSchedule(h, { catchUp: 'none' });
      const held = await reservePending(h, record, (record.nextRunAt as number) + 30 * MINUTE);
      const request = plannedAdvance(h, record, 'held', held);
      expect(request.dropCurrent).toBe(true);
      await scheduling(h).advanceSchedule(request);
      expect(await h.driver.inspect(occurrenceRef(record, record.nextRunAt as number))).toBeUndefined();
      expect(await h.driver.counts(h.queue)).toMatchObject({ ready: 0, scheduled: 1, inflight: 0, done: 0 });
    });

    it('advance_stores_due_catch_up_occurrences_as_ready_jobs', async () => {
      const h = await setup();
      const record = await putSchedule(h, { catchUp: 'all' });
      const tick = record.nextRunAt as number;
      const held = await reservePending(h, record, tick + 3 * MINUTE);
      await scheduling(h).advanceSchedule(plannedAdvance(h, record, 'held', held));
      const due = [tick + MINUTE, tick + 2 * MINUTE, tick + 3 * MINUTE];
      expect(await reserveIds(h)).toEqual(due.map((at) => occurrenceRef(record, at).id));
      expect(await storedSchedule(h, record.name)).toMatchObject({ runs: 4, lastRunAt: tick + 3 * MINUTE, nextRunAt: tick + 4 * MINUTE });
    });

    it('a_second_advance_of_the_same_tick_is_a_no_op', async () => {
      const h = await setup();
      const record = await putSchedule(h, { catchUp: 'all' });
      const held = await reservePending(h, record, (record.nextRunAt as number) + 2 * MINUTE);
      const request = plannedAdvance(h, record, 'held', held);
      expect(await scheduling(h).advanceSchedule(request)).toEqual({ advanced: true });
      const after = await snapshot(h, record.name);
      expect(await scheduling(h).advanceSchedule(request)).toEqual({ advanced: false });
      expect(await snapshot(h, record.name)).toEqual(after);
    });

    it('advance_made_from_an_older_version_changes_nothing', async () => {
      const h = await setup();
      const record = await putSchedule(h);
      const held = await reservePending(h, record);
      const request = plannedAdvance(h, record, 'held', held);
      await scheduling(h).pauseSchedule(record.name);
      const before = await snapshot(h, record.name);
      expect(await scheduling(h).advanceSchedule(request)).toEqual({ advanced: false });
      expect(await snapshot(h, record.name)).toEqual(before);
    });

    it('advance_from_a_tick_that_is_not_pending_changes_nothing', async () => {
      const h = await setup();
      const record = await putSchedule(h);
      const held = await reservePending(h, record);
      const request = { ...plannedAdvance(h, record, 'held', held), from: (record.nextRunAt as number) - MINUTE };
      const before = await snapshot(h, record.name);
      expect(await scheduling(h).advanceSchedule(request)).toEqual({ advanced: false });
      expect(await snapshot(h, record.name)).toEqual(before);
    });

    it('advance_with_the_lease_of_another_job_changes_nothing', async () => {
      const h = await setup();
      const record = await putSchedule(h);
      await h.clock.advanceTo((record.nextRunAt as number) - 1);
      const other = await enqueueAndReserve(h);
      await h.clock.advance(1);
      const request = plannedAdvance(h, record, 'held', other);
      const before = await snapshot(h, record.name);
      expect(await scheduling(h).advanceSchedule(request)).toEqual({ advanced: false });
      expect(await snapshot(h, record.name)).toEqual(before);
    });

    it('advance_checks_the_lease_first_and_a_bad_one_changes_nothing', async () => {
      const h = await setup();
      const record = await putSchedule(h);
      const held = await reservePending(h, record);
      const wrong = plannedAdvance(h, record, 'held', { ...held, lease: { ...held.lease, token: WRONG_TOKEN } });
      const before = await snapshot(h, record.name);
      await expectError(() => scheduling(h).advanceSchedule(wrong), LeaseMismatchError);
      await h.clock.advance(LEASE_MS);
      await expectError(() => scheduling(h).advanceSchedule(plannedAdvance(h, record, 'held', held)), LeaseExpiredError);
      expect(await snapshot(h, record.name)).toEqual(before);
    });

    it('advance_of_a_removed_schedule_is_not_advanced', async () => {
      const h = await setup();
      const record = await putSchedule(h);
      const held = await reservePending(h, record);
      const request = plannedAdvance(h, record, 'held', held);
      await scheduling(h).removeSchedule(record.name);
      expect(await scheduling(h).advanceSchedule(request)).toEqual({ advanced: false });
      expect(await h.driver.counts(h.queue)).toMatchObject({ ready: 0, scheduled: 0, inflight: 1 });
    });

    it('a_repair_applies_only_once_the_pending_occurrence_has_finished', async () => {
      const h = await setup();
      const record = await putSchedule(h);
      await h.clock.advanceTo(record.nextRunAt as number);
      expect(await scheduling(h).advanceSchedule(plannedAdvance(h, record, 'absent'))).toEqual({ advanced: false });
      const held = await reservePending(h, record);
      expect(await scheduling(h).advanceSchedule(plannedAdvance(h, record, 'absent'))).toEqual({ advanced: false });
      await h.driver.ack(held.lease, h.clock.now());
      expect(await scheduling(h).advanceSchedule(plannedAdvance(h, record, 'finished'))).toEqual({ advanced: true });
      expect(await storedSchedule(h, record.name)).toMatchObject({ nextRunAt: (record.nextRunAt as number) + MINUTE, runs: 0 });
    });

    it('a_repair_applies_when_the_pending_occurrence_is_gone', async () => {
      const h = await setup({ retention: { maxDoneCount: 0 } });
      const record = await putSchedule(h);
      const held = await reservePending(h, record);
      await h.driver.ack(held.lease, h.clock.now());
      expect(await h.driver.inspect(occurrenceRef(record, record.nextRunAt as number))).toBeUndefined();
      expect(await scheduling(h).advanceSchedule(plannedAdvance(h, record, 'absent'))).toEqual({ advanced: true });
      expect(await h.driver.inspect(occurrenceRef(record, record.nextRunAt as number))).toMatchObject({ status: 'ready' });
    });

    it('advance_that_ends_the_schedule_clears_next_run_at', async () => {
      const h = await setup();
      const record = await putSchedule(h, { limit: 1 });
      const held = await reservePending(h, record);
      await scheduling(h).advanceSchedule(plannedAdvance(h, record, 'held', held));
      const ended = await storedSchedule(h, record.name);
      expect('nextRunAt' in ended).toBe(false);
      expect(ended).toMatchObject({ runs: 1, lastRunAt: record.nextRunAt });
      expect(await h.driver.counts(h.queue)).toMatchObject({ ready: 0, scheduled: 0, inflight: 1 });
    });

    it('an_occurrence_already_stored_is_left_alone', async () => {
      const h = await setup();
      const record = await putSchedule(h, { catchUp: 'latest' });
      const tick = record.nextRunAt as number;
      const early = { ...occurrenceJob(record, tick + 2 * MINUTE, h.clock.now()), payload: Uint8Array.of(7) };
      await h.driver.enqueue(early, h.clock.now());
      const held = await reservePending(h, record, tick + 2 * MINUTE);
      expect(await scheduling(h).advanceSchedule(plannedAdvance(h, record, 'held', held))).toEqual({ advanced: true });
      expect((await h.driver.inspect({ queue: h.queue, id: early.id }))?.payload).toEqual(Uint8Array.of(7));
    });

    it('advance_with_invalid_input_is_a_validation_error_and_changes_nothing', async () => {
      const h = await setup();
      const record = await putSchedule(h);
      const held = await reservePending(h, record, (record.nextRunAt as number) + 2 * MINUTE);
      const good = plannedAdvance(h, record, 'held', held);
      const pending = good.occurrences[good.occurrences.length - 1] as (typeof good.occurrences)[number];
      const otherQueue = h.newQueue();
      const elsewhere = occurrenceJob(scheduleSpec(h, { queue: otherQueue }, record.name), pending.scheduledFor as number, h.clock.now());
      const bad: [string, unknown][] = [
        ['dropCurrent', { ...good, lease: undefined, dropCurrent: true }],
        ['occurrences', { ...good, occurrences: [] }],
        ['occurrences', { ...good, occurrences: [{ ...pending, schedule: 'another-schedule' }] }],
        ['occurrences', { ...good, occurrences: [{ ...pending, id: 'not-the-tick-id' }] }],
        ['occurrences', { ...good, occurrences: [elsewhere] }],
        ['version', { ...good, version: -1 }],
        ['runs', { ...good, runs: 1.5 }],
        ['now', { ...good, now: undefined }],
      ];
      const before = await snapshot(h, record.name);
      for (const [field, request] of bad) {
        const error = await expectError(() => scheduling(h).advanceSchedule(request as typeof good), ValidationError);
        expect(error.field, field).toBe(field);
      }
      expect(await snapshot(h, record.name)).toEqual(before);
    });

    it('advance_wakes_waiting_workers', async () => {
      const h = await setup();
      const record = await putSchedule(h, { catchUp: 'latest' });
      const held = await reservePending(h, record, (record.nextRunAt as number) + 5 * MINUTE);
      const controller = new AbortController();
      const waiting = h.driver.waitForWork({ queues: [h.queue], signal: controller.signal }).then(() => 'woke' as const);
      await scheduling(h).advanceSchedule(plannedAdvance(h, record, 'held', held));
      expect(await withinGuard(waiting)).toBe('woke');
      controller.abort();
    });
  });
}
