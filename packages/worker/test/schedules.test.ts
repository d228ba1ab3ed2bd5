import { sleep } from '@taskharbor/core';
import { RetryPolicy } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import { harness } from './support/harness.js';
import { advanceInSteps, MINUTE, runsPerTick, type TickRun, tickWorkers } from './support/schedule-runs.js';

describe('schedules: every tick once', { timeout: 30_000 }, () => {
  it('three_workers_over_1000_ticks_of_a_one_minute_cron_run_each_tick_exactly_once', async () => {
    const h = harness();
    const runs: TickRun[] = [];
    const workers = tickWorkers(h, 3, runs);
    const start = h.clock.now();
    await h.client.schedule('every-minute', { cron: '* * * * *', type: 'tick' });
    for (const worker of workers) await worker.start();
    await advanceInSteps(h, 1000 * MINUTE, MINUTE);
    await h.until(() => runs.length >= 1000, '1000 runs');

    const expected = Array.from({ length: 1000 }, (_, i) => start + (i + 1) * MINUTE);
    expect([...runsPerTick(runs).keys()]).toEqual(expected);
    expect([...runsPerTick(runs).values()].every((count) => count === 1)).toBe(true);
    expect(runs.every((run) => run.at === run.tick)).toBe(true);
    expect(new Set(runs.map((run) => run.worker)).size).toBeGreaterThan(1);
    expect(await h.memory.getSchedule('every-minute')).toMatchObject({ runs: 1000, lastRunAt: expected[999], nextRunAt: start + 1001 * MINUTE });
    expect(await h.memory.counts('default')).toMatchObject({ ready: 0, scheduled: 1, inflight: 0, dlq: 0 });
  }, 120_000);

  it('a_failing_tick_retries_by_its_policy_and_the_next_tick_runs_on_time', async () => {
    const h = harness();
    const runs: TickRun[] = [];
    const start = h.clock.now();
    const [worker] = tickWorkers(h, 1, runs, { retryPolicy: RetryPolicy.fixed(90_000) }, (run) => {
      if (run.tick === start + MINUTE && run.attempt === 1) throw new Error('first run of the first tick fails');
    });
    await h.client.schedule('every-minute', { everyMs: MINUTE, type: 'tick' });
    await worker?.start();
    await advanceInSteps(h, 3 * MINUTE, 10_000);
    await h.until(() => runs.length === 4, 'four runs');
    expect(runs.map(({ tick, at, attempt }) => ({ tick: tick - start, at: at - start, attempt }))).toEqual([
      { tick: MINUTE, at: MINUTE, attempt: 1 },
      { tick: 2 * MINUTE, at: 2 * MINUTE, attempt: 1 },
      { tick: MINUTE, at: MINUTE + 90_000, attempt: 2 },
      { tick: 3 * MINUTE, at: 3 * MINUTE, attempt: 1 },
    ]);
  });

  it('a_replace_under_load_leaves_no_tick_of_the_old_cadence_after_it_returns', async () => {
    const h = harness();
    const runs: TickRun[] = [];
    const workers = tickWorkers(h, 3, runs, {}, () => sleep(h.clock, 40_000));
    const start = h.clock.now();
    await h.client.schedule('report', { cron: '* * * * *', type: 'tick' });
    for (const worker of workers) await worker.start();
    await advanceInSteps(h, 10 * MINUTE + 20_000, 10_000);
    // A run of the tick at start + 10 min is in progress: the replace leaves it be.
    expect(await h.memory.counts('default')).toMatchObject({ inflight: 1, scheduled: 1 });
    const replacedAt = h.clock.now();
    await h.client.schedule('report', { cron: '30 * * * * *', type: 'tick' });
    await advanceInSteps(h, 10 * MINUTE, 10_000);

    const before = runs.filter((run) => run.tick < replacedAt);
    const after = runs.filter((run) => run.tick >= replacedAt);
    expect(before.map((run) => run.tick - start)).toEqual(Array.from({ length: 10 }, (_, i) => (i + 1) * MINUTE));
    expect(after.map((run) => run.tick - start)).toEqual(Array.from({ length: 10 }, (_, i) => (i + 10) * MINUTE + 30_000));
  });

  it('a_remove_under_load_stops_the_ticks_and_lets_the_running_one_finish', async () => {
    const h = harness();
    const runs: TickRun[] = [];
    const finished: number[] = [];
    const workers = tickWorkers(h, 3, runs, {}, async (run) => {
      await sleep(h.clock, 40_000);
      finished.push(run.tick);
    });
    await h.client.schedule('report', { everyMs: MINUTE, type: 'tick' });
    for (const worker of workers) await worker.start();
    await advanceInSteps(h, 5 * MINUTE + 20_000, 10_000);
    const removedAt = h.clock.now();
    expect(await h.client.unschedule('report')).toBe(true);
    await advanceInSteps(h, 10 * MINUTE, 10_000);

    expect(runs).toHaveLength(5);
    expect(runs.every((run) => run.tick < removedAt)).toBe(true);
    expect(finished).toHaveLength(5);
    expect(await h.memory.counts('default')).toMatchObject({ ready: 0, scheduled: 0, inflight: 0, done: 5 });
    expect(await h.memory.getSchedule('report')).toBeUndefined();
  });
});
