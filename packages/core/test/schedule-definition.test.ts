import { describe, expect, it } from 'vitest';
import { buildScheduleSpec, jsonCodec, MIN_SCHEDULE_INTERVAL_MS, type ScheduleDefinition, ValidationError } from '../src/index.js';

const defaults = { codec: jsonCodec, queue: 'default', maxAttempts: 25 };
const build = (definition: ScheduleDefinition, name = 'nightly') => buildScheduleSpec(name, definition, defaults);

describe('schedule definitions', () => {
  it('defaults_fill_in_queue_time_zone_catch_up_and_max_attempts', () => {
    const spec = build({ cron: ' 0 3 * * * ', type: 'report.build', payload: { kind: 'daily' } });
    expect(spec).toMatchObject({ name: 'nightly', queue: 'default', type: 'report.build', cron: '0 3 * * *', timezone: 'UTC', catchUp: 'latest', maxAttempts: 25 });
    expect(new TextDecoder().decode(spec.payload)).toBe('{"kind":"daily"}');
    expect('everyMs' in spec || 'startAt' in spec || 'limit' in spec || 'timeoutMs' in spec).toBe(false);
  });

  it('job_options_dates_and_limit_are_kept', () => {
    const spec = build({
      everyMs: 60_000,
      type: 't',
      queue: 'maintenance',
      jobOptions: { maxAttempts: 2, timeoutMs: 5_000 },
      startAt: new Date(Date.UTC(2030, 0, 1)),
      endAt: Date.UTC(2030, 1, 1),
      limit: 10,
      catchUp: 'all',
    });
    expect(spec).toMatchObject({ queue: 'maintenance', maxAttempts: 2, timeoutMs: 5_000, startAt: Date.UTC(2030, 0, 1), endAt: Date.UTC(2030, 1, 1), limit: 10, catchUp: 'all' });
  });

  it('the_revision_is_the_same_for_the_same_definition_and_changes_with_any_field', () => {
    const base: ScheduleDefinition = { cron: '0 3 * * *', type: 't', payload: { a: 1 } };
    expect(build(base).revision).toBe(build({ ...base }).revision);
    const variants: ScheduleDefinition[] = [
      { ...base, cron: '0 4 * * *' },
      { ...base, payload: { a: 2 } },
      { ...base, timezone: 'Europe/Berlin' },
      { ...base, queue: 'other' },
      { ...base, catchUp: 'none' },
      { ...base, limit: 3 },
      { ...base, jobOptions: { maxAttempts: 3 } },
    ];
    for (const variant of variants) expect(build(variant).revision).not.toBe(build(base).revision);
    expect(build(base, 'other-name').revision).not.toBe(build(base).revision);
  });

  it.each([
    ['both_cron_and_every_ms', { cron: '* * * * *', everyMs: 60_000, type: 't' }, 'cron'],
    ['neither_cron_nor_every_ms', { type: 't' }, 'cron'],
    ['bad_cron', { cron: '* * *', type: 't' }, 'cron'],
    ['unknown_time_zone', { cron: '* * * * *', timezone: 'Europe/Atlantis', type: 't' }, 'timezone'],
    ['time_zone_with_every_ms', { everyMs: 60_000, timezone: 'Europe/Berlin', type: 't' }, 'timezone'],
    ['every_ms_below_the_minimum', { everyMs: MIN_SCHEDULE_INTERVAL_MS - 1, type: 't' }, 'everyMs'],
    ['fractional_every_ms', { everyMs: 1500.5, type: 't' }, 'everyMs'],
    ['end_at_before_start_at', { everyMs: 60_000, type: 't', startAt: 2_000, endAt: 1_000 }, 'endAt'],
    ['invalid_start_date', { everyMs: 60_000, type: 't', startAt: new Date('nope') }, 'startAt'],
    ['zero_limit', { everyMs: 60_000, type: 't', limit: 0 }, 'limit'],
    ['unknown_catch_up', { everyMs: 60_000, type: 't', catchUp: 'some' }, 'catchUp'],
    ['empty_type', { everyMs: 60_000, type: '' }, 'type'],
    ['queue_with_space', { everyMs: 60_000, type: 't', queue: 'a b' }, 'queue'],
    ['unknown_option', { everyMs: 60_000, type: 't', every: 5 }, 'every'],
    ['unknown_job_option', { everyMs: 60_000, type: 't', jobOptions: { runAt: 5 } }, 'jobOptions.runAt'],
    ['zero_max_attempts', { everyMs: 60_000, type: 't', jobOptions: { maxAttempts: 0 } }, 'maxAttempts'],
    ['bigint_payload', { everyMs: 60_000, type: 't', payload: 1n }, 'payload'],
  ])('%s_is_a_validation_error', (_name, definition, field) => {
    expect(() => build(definition as ScheduleDefinition)).toThrow(ValidationError);
    expect(() => build(definition as ScheduleDefinition)).toThrow(expect.objectContaining({ field }));
  });

  it.each([
    ['empty', ''],
    ['with_a_brace', 'a{b}'],
    ['too_long', 'x'.repeat(257)],
  ])('a_name_%s_is_a_validation_error', (_name, name) => {
    expect(() => build({ everyMs: 60_000, type: 't' }, name)).toThrow(expect.objectContaining({ field: 'name' }));
  });
});
