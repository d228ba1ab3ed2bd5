import { describe, expect, it } from 'vitest';
import { harness } from './support/harness.js';
import { advanceInSteps, HOUR_MS, type TickRun, tickWorkers } from './support/schedule-runs.js';

/**
 * Runs a cron schedule with two workers from `from` for `hours` of fake
 * time and returns the ticks that ran, as ISO strings. The rules are
 * croner's (docs/schedules.md, "Time zones and daylight saving").
 */
async function ticksRun(cron: string, timezone: string, from: string, hours: number): Promise<string[]> {
  const h = harness();
  h.clock.set(Date.parse(from));
  const runs: TickRun[] = [];
  const workers = tickWorkers(h, 2, runs, { scheduleCheckMs: 0 });
  await h.client.schedule('dst', { cron, timezone, type: 'tick' });
  for (const worker of workers) await worker.start();
  // Timers fire at their own times within a step; hour-long steps only settle less often.
  await advanceInSteps(h, hours * HOUR_MS, HOUR_MS);
  return runs.map((run) => new Date(run.tick).toISOString()).sort();
}

// Days of fake time per case: a loaded machine needs more than vitest's default 5 s.
describe('schedules: daylight saving time', { timeout: 30_000 }, () => {
  it('europe_berlin_spring_a_fixed_time_in_the_missing_hour_runs_once_at_its_end', async () => {
    expect(await ticksRun('30 2 * * *', 'Europe/Berlin', '2030-03-30T12:00:00.000Z', 48)).toEqual([
      '2030-03-31T01:00:00.000Z', // 03:00 CEST: 02:30 does not exist that night
      '2030-04-01T00:30:00.000Z', // 02:30 CEST
    ]);
  });

  it('europe_berlin_autumn_an_interval_runs_through_the_repeated_hour_twice', async () => {
    expect(await ticksRun('0,30 2 * * *', 'Europe/Berlin', '2030-10-26T22:00:00.000Z', 5)).toEqual([
      '2030-10-27T00:00:00.000Z', // 02:00 CEST
      '2030-10-27T00:30:00.000Z', // 02:30 CEST
      '2030-10-27T01:00:00.000Z', // 02:00 CET
      '2030-10-27T01:30:00.000Z', // 02:30 CET
    ]);
  });

  it('europe_berlin_autumn_a_fixed_time_in_the_repeated_hour_runs_once', async () => {
    expect(await ticksRun('30 2 * * *', 'Europe/Berlin', '2030-10-26T12:00:00.000Z', 24)).toEqual(['2030-10-27T00:30:00.000Z']);
  });

  it('america_new_york_spring_an_interval_skips_the_missing_hour', async () => {
    expect(await ticksRun('0,30 * * * *', 'America/New_York', '2030-03-10T05:45:00.000Z', 2)).toEqual([
      '2030-03-10T06:00:00.000Z', // 01:00 EST
      '2030-03-10T06:30:00.000Z', // 01:30 EST
      '2030-03-10T07:00:00.000Z', // 03:00 EDT: 02:00 and 02:30 do not exist
      '2030-03-10T07:30:00.000Z', // 03:30 EDT
    ]);
  });

  it('america_new_york_spring_a_fixed_time_in_the_missing_hour_runs_once_at_its_end', async () => {
    expect(await ticksRun('30 2 * * *', 'America/New_York', '2030-03-09T12:00:00.000Z', 24)).toEqual(['2030-03-10T07:00:00.000Z']);
  });

  it('america_new_york_autumn_a_fixed_time_in_the_repeated_hour_runs_once', async () => {
    expect(await ticksRun('30 1 * * *', 'America/New_York', '2030-11-02T12:00:00.000Z', 48)).toEqual([
      '2030-11-03T05:30:00.000Z', // 01:30 EDT, the first of the two
      '2030-11-04T06:30:00.000Z', // 01:30 EST
    ]);
  });
});
