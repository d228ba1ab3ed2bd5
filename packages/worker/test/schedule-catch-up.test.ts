import { CATCH_UP_ALL_LIMIT, type CatchUpPolicy, type ScheduleDefinition } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import { harness } from './support/harness.js';
import { advanceInSteps, HOUR_MS, MINUTE, runsPerTick, type TickRun, tickWorkers } from './support/schedule-runs.js';

/**
 * Runs a schedule with three workers for five ticks, stops every worker for
 * three hours (an outage: nothing serves the queue), then starts three new
 * ones 30 s past a tick and lets them run ten more minutes. Returns the
 * runs after the outage, as ticks relative to the start.
 */
async function afterOutage(definition: Omit<ScheduleDefinition, 'type'>, every: number) {
  const h = harness();
  const runs: TickRun[] = [];
  const start = h.clock.now();
  await h.client.schedule('outage', { ...definition, type: 'tick' });
  const before = tickWorkers(h, 3, runs, { scheduleCheckMs: 0 });
  for (const worker of before) await worker.start();
  await advanceInSteps(h, 5 * every, every);
  await h.until(() => runs.length === 5, 'five runs before the outage');
  for (const worker of before) await worker.close();
  await h.clock.advance(3 * HOUR_MS + 30_000);
  const back = h.clock.now();
  const after = tickWorkers(h, 3, runs, { scheduleCheckMs: 0 });
  for (const worker of after) await worker.start();
  await advanceInSteps(h, 10 * MINUTE, 10_000);
  const later = runs.filter((run) => run.at >= back);
  return {
    h,
    runsPerTick: runsPerTick(later),
    atRestart: later.filter((run) => run.at === back).map((run) => run.tick - start),
    afterRestart: later.filter((run) => run.at > back).map((run) => run.tick - start),
  };
}

const policies: CatchUpPolicy[] = ['latest', 'none', 'all'];

describe('schedules: catch-up after a three-hour outage', { timeout: 30_000 }, () => {
  for (const catchUp of policies) {
    it(`catch_up_${catchUp}_then_the_cadence_goes_on`, async () => {
      const run = await afterOutage({ cron: '* * * * *', catchUp }, MINUTE);
      const lastMissed = 185 * MINUTE; // 5 ticks, then 3 hours of ticks came due while nothing ran.
      const expected = {
        latest: [lastMissed],
        none: [],
        all: Array.from({ length: CATCH_UP_ALL_LIMIT }, (_, i) => lastMissed - (CATCH_UP_ALL_LIMIT - 1 - i) * MINUTE),
      }[catchUp];
      expect(run.atRestart).toEqual(expected);
      expect(run.afterRestart).toEqual(Array.from({ length: 10 }, (_, i) => lastMissed + (i + 1) * MINUTE));
      expect([...run.runsPerTick.values()].every((count) => count === 1)).toBe(true);
      expect(await run.h.memory.getSchedule('outage')).toMatchObject({ runs: 5 + expected.length + 10 });
    });
  }

  it('catch_up_all_under_the_cap_runs_every_missed_tick_once', async () => {
    const run = await afterOutage({ everyMs: 10 * MINUTE, catchUp: 'all' }, 10 * MINUTE);
    // Ticks at 10 min steps: 5 before the outage, then 18 came due in the 3 h 30 s that followed.
    expect(run.atRestart).toEqual(Array.from({ length: 18 }, (_, i) => (6 + i) * 10 * MINUTE));
    expect(run.afterRestart).toEqual([24 * 10 * MINUTE]);
  });
});
