import { describe, expect, it } from 'vitest';
import { lastTicks, nextTick, validateCron, validateTimezone, ValidationError } from '../src/index.js';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

/** The next `count` ticks after `from`, as ISO strings. */
function ticksAfter(cadence: Parameters<typeof nextTick>[0], from: string, count: number): (string | undefined)[] {
  const out: (string | undefined)[] = [];
  let after = at(from);
  for (let i = 0; i < count; i++) {
    const tick = nextTick(cadence, after);
    out.push(iso(tick));
    if (tick === undefined) break;
    after = tick;
  }
  return out;
}

const utc = (cron: string) => ({ cron, timezone: 'UTC' });

describe('cron expressions', () => {
  it('five_fields_tick_each_minute_and_six_fields_each_second', () => {
    expect(ticksAfter(utc('* * * * *'), '2030-01-01T12:00:00.000Z', 2)).toEqual(['2030-01-01T12:01:00.000Z', '2030-01-01T12:02:00.000Z']);
    expect(ticksAfter(utc('*/10 * * * * *'), '2030-01-01T12:00:05.500Z', 2)).toEqual(['2030-01-01T12:00:10.000Z', '2030-01-01T12:00:20.000Z']);
  });

  it('next_tick_is_strictly_after_the_time_given', () => {
    expect(iso(nextTick(utc('0 * * * *'), at('2030-01-01T12:00:00.000Z')))).toBe('2030-01-01T13:00:00.000Z');
    expect(iso(nextTick(utc('0 * * * *'), at('2030-01-01T11:59:59.999Z')))).toBe('2030-01-01T12:00:00.000Z');
  });

  it('nicknames_are_accepted', () => {
    expect(iso(nextTick(utc('@daily'), at('2030-01-01T12:00:00.000Z')))).toBe('2030-01-02T00:00:00.000Z');
  });

  it.each([
    ['too_few_fields', '* * *'],
    ['seven_fields', '0 0 0 1 1 * 2031'],
    ['minute_out_of_range', '61 * * * *'],
    ['zero_step', '*/0 * * * *'],
    ['words', 'every minute'],
    ['empty', ''],
    ['never_matches', '0 0 30 2 *'],
  ])('%s_is_a_validation_error', (_name, cron) => {
    expect(() => validateCron(cron, 'UTC')).toThrow(ValidationError);
  });

  it('unknown_time_zones_are_validation_errors_naming_the_field', () => {
    expect(() => validateTimezone('Mars/Olympus_Mons')).toThrow(expect.objectContaining({ field: 'timezone' }));
    expect(() => validateTimezone('Europe/Berlin')).not.toThrow();
  });

  it('wall_clock_times_follow_the_time_zone', () => {
    expect(iso(nextTick({ cron: '0 3 * * *', timezone: 'Europe/Berlin' }, at('2030-01-01T00:00:00.000Z')))).toBe('2030-01-01T02:00:00.000Z');
    expect(iso(nextTick({ cron: '0 3 * * *', timezone: 'Europe/Berlin' }, at('2030-07-01T00:00:00.000Z')))).toBe('2030-07-01T01:00:00.000Z');
  });

  it('start_at_and_end_at_bound_the_ticks', () => {
    const cadence = { ...utc('0 * * * *'), startAt: at('2030-01-01T15:00:00.000Z'), endAt: at('2030-01-01T16:00:00.000Z') };
    expect(ticksAfter(cadence, '2030-01-01T12:00:00.000Z', 3)).toEqual(['2030-01-01T15:00:00.000Z', '2030-01-01T16:00:00.000Z', undefined]);
  });
});

describe('fixed intervals', () => {
  it('ticks_fall_on_multiples_of_every_ms_from_the_epoch', () => {
    expect(ticksAfter({ everyMs: 60_000, timezone: 'UTC' }, '2030-01-01T12:00:30.000Z', 2)).toEqual([
      '2030-01-01T12:01:00.000Z',
      '2030-01-01T12:02:00.000Z',
    ]);
  });

  it('ticks_fall_on_multiples_of_every_ms_from_start_at', () => {
    const startAt = at('2030-01-01T12:00:07.000Z');
    expect(ticksAfter({ everyMs: 10_000, timezone: 'UTC', startAt }, '2030-01-01T11:00:00.000Z', 2)).toEqual([
      '2030-01-01T12:00:07.000Z',
      '2030-01-01T12:00:17.000Z',
    ]);
  });
});

describe('last ticks', () => {
  it('the_latest_ticks_up_to_now_in_ascending_order_now_included', () => {
    const ticks = lastTicks(utc('* * * * *'), at('2030-01-01T12:00:00.000Z'), at('2030-01-01T12:05:00.000Z'), 3);
    expect(ticks.map(iso)).toEqual(['2030-01-01T12:03:00.000Z', '2030-01-01T12:04:00.000Z', '2030-01-01T12:05:00.000Z']);
  });

  it('no_tick_before_from', () => {
    const ticks = lastTicks({ everyMs: 60_000, timezone: 'UTC' }, at('2030-01-01T12:04:00.000Z'), at('2030-01-01T12:05:30.000Z'), 10);
    expect(ticks.map(iso)).toEqual(['2030-01-01T12:04:00.000Z', '2030-01-01T12:05:00.000Z']);
  });

  it('a_sparse_cron_finds_its_last_tick_years_back', () => {
    const ticks = lastTicks(utc('0 0 29 2 *'), 0, at('2030-01-01T00:00:00.000Z'), 1);
    expect(ticks.map(iso)).toEqual(['2028-02-29T00:00:00.000Z']);
  });

  it('no_tick_after_end_at', () => {
    const cadence = { ...utc('* * * * *'), endAt: at('2030-01-01T12:02:00.000Z') };
    expect(lastTicks(cadence, 0, at('2030-01-01T13:00:00.000Z'), 1).map(iso)).toEqual(['2030-01-01T12:02:00.000Z']);
  });
});

// croner's documented rules (README, "DST handling", the same as Vixie cron):
// a fixed-time job (one value in seconds, minutes and hours) runs once when its
// time occurs twice, at the first occurrence, and at the first valid time after
// the gap when its time does not exist; an interval job runs at both
// occurrences of a repeated time and skips times that do not exist.
describe('daylight saving time', () => {
  const berlin = (cron: string) => ({ cron, timezone: 'Europe/Berlin' });
  const newYork = (cron: string) => ({ cron, timezone: 'America/New_York' });

  it('europe_berlin_spring_a_fixed_time_in_the_gap_runs_at_the_end_of_the_gap', () => {
    // 2030-03-31: 02:00 CET becomes 03:00 CEST; 02:30 does not exist.
    expect(ticksAfter(berlin('30 2 * * *'), '2030-03-30T12:00:00.000Z', 2)).toEqual([
      '2030-03-31T01:00:00.000Z', // 03:00 CEST
      '2030-04-01T00:30:00.000Z', // 02:30 CEST
    ]);
  });

  it('europe_berlin_spring_an_interval_skips_the_missing_hour', () => {
    expect(ticksAfter(berlin('*/30 * * * *'), '2030-03-31T00:59:00.000Z', 3)).toEqual([
      '2030-03-31T01:00:00.000Z', // 03:00 CEST: 02:00 and 02:30 CET do not exist
      '2030-03-31T01:30:00.000Z',
      '2030-03-31T02:00:00.000Z',
    ]);
    expect(ticksAfter(berlin('*/30 * * * *'), '2030-03-31T00:00:00.000Z', 2)).toEqual([
      '2030-03-31T00:30:00.000Z', // 01:30 CET
      '2030-03-31T01:00:00.000Z', // 03:00 CEST
    ]);
  });

  it('europe_berlin_autumn_a_fixed_time_in_the_repeated_hour_runs_once', () => {
    // 2030-10-27: 03:00 CEST becomes 02:00 CET; 02:30 happens twice.
    expect(ticksAfter(berlin('30 2 * * *'), '2030-10-26T12:00:00.000Z', 2)).toEqual([
      '2030-10-27T00:30:00.000Z', // 02:30 CEST, the first one
      '2030-10-28T01:30:00.000Z', // 02:30 CET the next day
    ]);
  });

  it('europe_berlin_autumn_an_interval_runs_through_the_repeated_hour_twice', () => {
    expect(ticksAfter(berlin('*/30 * * * *'), '2030-10-26T23:59:00.000Z', 4)).toEqual([
      '2030-10-27T00:00:00.000Z', // 02:00 CEST
      '2030-10-27T00:30:00.000Z', // 02:30 CEST
      '2030-10-27T01:00:00.000Z', // 02:00 CET
      '2030-10-27T01:30:00.000Z', // 02:30 CET
    ]);
  });

  it('america_new_york_spring_a_fixed_time_in_the_gap_runs_at_the_end_of_the_gap', () => {
    // 2030-03-10: 02:00 EST becomes 03:00 EDT.
    expect(ticksAfter(newYork('30 2 * * *'), '2030-03-09T12:00:00.000Z', 2)).toEqual([
      '2030-03-10T07:00:00.000Z', // 03:00 EDT
      '2030-03-11T06:30:00.000Z', // 02:30 EDT
    ]);
  });

  it('america_new_york_spring_an_interval_skips_the_missing_hour', () => {
    expect(ticksAfter(newYork('*/30 * * * *'), '2030-03-10T05:59:00.000Z', 3)).toEqual([
      '2030-03-10T06:00:00.000Z', // 01:00 EST
      '2030-03-10T06:30:00.000Z', // 01:30 EST
      '2030-03-10T07:00:00.000Z', // 03:00 EDT
    ]);
  });

  it('america_new_york_autumn_a_fixed_time_in_the_repeated_hour_runs_once', () => {
    // 2030-11-03: 02:00 EDT becomes 01:00 EST; 01:30 happens twice.
    expect(ticksAfter(newYork('30 1 * * *'), '2030-11-02T12:00:00.000Z', 2)).toEqual([
      '2030-11-03T05:30:00.000Z', // 01:30 EDT, the first one
      '2030-11-04T06:30:00.000Z', // 01:30 EST the next day
    ]);
  });

  it('america_new_york_autumn_an_interval_runs_through_the_repeated_hour_twice', () => {
    expect(ticksAfter(newYork('*/30 * * * *'), '2030-11-03T04:59:00.000Z', 5)).toEqual([
      '2030-11-03T05:00:00.000Z', // 01:00 EDT
      '2030-11-03T05:30:00.000Z', // 01:30 EDT
      '2030-11-03T06:00:00.000Z', // 01:00 EST
      '2030-11-03T06:30:00.000Z', // 01:30 EST
      '2030-11-03T07:00:00.000Z', // 02:00 EST
    ]);
  });

  it('last_ticks_cross_a_transition_in_real_time', () => {
    const ticks = lastTicks(berlin('30 2 * * *'), 0, at('2030-04-01T12:00:00.000Z'), 3);
    expect(ticks.map(iso)).toEqual(['2030-03-30T01:30:00.000Z', '2030-03-31T01:00:00.000Z', '2030-04-01T00:30:00.000Z']);
  });
});
