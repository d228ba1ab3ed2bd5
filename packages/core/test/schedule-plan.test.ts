import { describe, expect, it } from 'vitest';
import {
  buildScheduleSpec,
  CATCH_UP_ALL_LIMIT,
  type CatchUpPolicy,
  jsonCodec,
  occurrenceJobId,
  planAdvance,
  type ScheduleDefinition,
  type ScheduleRecord,
} from '../src/index.js';

const MINUTE = 60_000;
const T0 = Date.UTC(2030, 0, 1, 12, 0, 0);

/** A stored record of a one-minute cron whose pending tick is T0. */
function record(overrides: Partial<ScheduleDefinition> = {}, state: Partial<ScheduleRecord> = {}): ScheduleRecord {
  const spec = buildScheduleSpec('every-minute', { cron: '* * * * *', type: 't', ...overrides }, { codec: jsonCodec, queue: 'q', maxAttempts: 3 });
  return { ...spec, paused: false, nextRunAt: T0, runs: 0, version: 1, createdAt: T0 - MINUTE, updatedAt: T0 - MINUTE, ...state };
}

describe('planning an advance', () => {
  it('an_occurrence_picked_up_on_time_runs_and_the_next_tick_is_pending', () => {
    const plan = planAdvance(record(), T0 + 5_000, 'held');
    expect(plan).toEqual({ dropCurrent: false, ticks: [T0 + MINUTE], nextRunAt: T0 + MINUTE, lastRunAt: T0, runs: 1 });
  });

  it('late_but_before_the_following_tick_is_still_on_time', () => {
    expect(planAdvance(record(), T0 + MINUTE - 1, 'held').dropCurrent).toBe(false);
  });

  const outage = T0 + 3 * 60 * MINUTE + 30_000;
  const policies: [CatchUpPolicy, { dropCurrent: boolean; due: number[] }][] = [
    ['latest', { dropCurrent: true, due: [T0 + 180 * MINUTE] }],
    ['none', { dropCurrent: true, due: [] }],
    ['all', { dropCurrent: true, due: Array.from({ length: CATCH_UP_ALL_LIMIT }, (_, i) => T0 + (81 + i) * MINUTE) }],
  ];
  for (const [catchUp, expected] of policies) {
    it(`after_a_three_hour_outage_catch_up_${catchUp}`, () => {
      const plan = planAdvance(record({ catchUp }), outage, 'held');
      expect(plan.dropCurrent).toBe(expected.dropCurrent);
      expect(plan.ticks).toEqual([...expected.due, T0 + 181 * MINUTE]);
      expect(plan.runs).toBe(expected.due.length);
      expect(plan.nextRunAt).toBe(T0 + 181 * MINUTE);
    });
  }

  it('catch_up_all_under_the_cap_runs_the_held_tick_and_every_other_missed_one', () => {
    const plan = planAdvance(record({ catchUp: 'all' }), T0 + 3 * MINUTE, 'held');
    expect(plan).toMatchObject({ dropCurrent: false, ticks: [T0 + MINUTE, T0 + 2 * MINUTE, T0 + 3 * MINUTE, T0 + 4 * MINUTE], runs: 4, lastRunAt: T0 + 3 * MINUTE });
  });

  it('a_paused_schedule_drops_the_tick_and_keeps_its_count', () => {
    const plan = planAdvance(record({}, { paused: true, runs: 7, lastRunAt: T0 - MINUTE }), T0, 'held');
    expect(plan).toEqual({ dropCurrent: true, ticks: [T0 + MINUTE], nextRunAt: T0 + MINUTE, lastRunAt: T0 - MINUTE, runs: 7 });
  });

  it('the_limit_ends_the_schedule_at_its_last_occurrence', () => {
    const plan = planAdvance(record({ limit: 3 }, { runs: 2 }), T0, 'held');
    expect(plan).toEqual({ dropCurrent: false, ticks: [], lastRunAt: T0, runs: 3 });
  });

  it('the_limit_caps_catch_up_to_the_latest_ticks_it_allows', () => {
    const plan = planAdvance(record({ limit: 3, catchUp: 'all' }, { runs: 1 }), T0 + 5 * MINUTE, 'held');
    expect(plan).toMatchObject({ dropCurrent: true, ticks: [T0 + 4 * MINUTE, T0 + 5 * MINUTE], runs: 3 });
    expect('nextRunAt' in plan).toBe(false);
  });

  it('end_at_ends_the_schedule', () => {
    const plan = planAdvance(record({ endAt: T0 + 30_000 }), T0, 'held');
    expect(plan).toEqual({ dropCurrent: false, ticks: [], lastRunAt: T0, runs: 1 });
  });

  it('a_repair_recreates_a_due_occurrence_that_was_removed', () => {
    const plan = planAdvance(record(), T0 + 1_000, 'absent');
    expect(plan).toEqual({ dropCurrent: false, ticks: [T0, T0 + MINUTE], nextRunAt: T0 + MINUTE, lastRunAt: T0, runs: 1 });
  });

  it('a_repair_skips_a_tick_whose_occurrence_was_cancelled', () => {
    const plan = planAdvance(record(), T0 + 1_000, 'finished');
    expect(plan).toEqual({ dropCurrent: false, ticks: [T0 + MINUTE], nextRunAt: T0 + MINUTE, runs: 0 });
  });

  it('a_repair_before_the_tick_puts_a_removed_occurrence_back_unchanged', () => {
    const plan = planAdvance(record({}, { runs: 4 }), T0 - 10_000, 'absent');
    expect(plan).toEqual({ dropCurrent: false, ticks: [T0], nextRunAt: T0, runs: 4 });
  });

  it('occurrence_ids_name_the_schedule_and_the_tick', () => {
    expect(occurrenceJobId('nightly', T0)).toBe('nightly@2030-01-01T12:00:00.000Z');
  });
});
