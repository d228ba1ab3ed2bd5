import { OutcomeUnknownError, occurrenceJobId } from '@taskharbor/core';
import type { MemoryDriver } from '@taskharbor/driver-memory';
import { describe, expect, it } from 'vitest';
import { harness } from './support/harness.js';
import { withoutJobControl } from './support/instrument.js';
import { Worker } from '../src/index.js';
import { advanceInSteps, MINUTE, type TickRun, tickWorkers } from './support/schedule-runs.js';

describe('schedules: upkeep, pause, trigger and limits', { timeout: 30_000 }, () => {
  it('a_purged_pending_occurrence_is_put_back_by_the_periodic_look', async () => {
    const h = harness();
    const runs: TickRun[] = [];
    const [worker] = tickWorkers(h, 1, runs, { scheduleCheckMs: MINUTE });
    const start = h.clock.now();
    await h.client.schedule('pruned', { everyMs: MINUTE, type: 'tick' });
    await worker?.start();
    await advanceInSteps(h, 2 * MINUTE, 10_000);
    expect(await h.memory.purge('default', { status: 'scheduled' })).toBe(1);
    await advanceInSteps(h, 6 * MINUTE, 10_000);
    // The tick at 3 min was purged; the look finds it gone once it is a minute overdue and runs
    // the latest missed tick at once; the cadence then goes on.
    expect(runs.map((run) => ({ tick: (run.tick - start) / MINUTE, at: (run.at - start) / MINUTE }))).toEqual([
      { tick: 1, at: 1 },
      { tick: 2, at: 2 },
      { tick: 5, at: 5 },
      { tick: 6, at: 6 },
      { tick: 7, at: 7 },
      { tick: 8, at: 8 },
    ]);
  });

  it('a_cancelled_pending_occurrence_skips_its_tick_only', async () => {
    const h = harness();
    const runs: TickRun[] = [];
    const [worker] = tickWorkers(h, 1, runs, { scheduleCheckMs: 30_000 });
    const start = h.clock.now();
    await h.client.schedule('skipped', { everyMs: MINUTE, type: 'tick' });
    await worker?.start();
    await h.memory.cancel({ queue: 'default', id: occurrenceJobId('skipped', start + MINUTE) }, { now: h.clock.now() });
    await advanceInSteps(h, 4 * MINUTE, 10_000);
    expect(runs.map((run) => (run.tick - start) / MINUTE)).toEqual([2, 3, 4]);
  });

  it('ticks_that_come_due_while_paused_never_run', async () => {
    const h = harness();
    const runs: TickRun[] = [];
    const [worker] = tickWorkers(h, 1, runs);
    const start = h.clock.now();
    await h.client.schedule('paused', { everyMs: MINUTE, type: 'tick' });
    await worker?.start();
    await advanceInSteps(h, 2 * MINUTE, 10_000);
    await h.memory.pauseSchedule('paused');
    await advanceInSteps(h, 3 * MINUTE, 10_000);
    await h.memory.resumeSchedule('paused');
    await advanceInSteps(h, 2 * MINUTE, 10_000);
    expect(runs.map((run) => (run.tick - start) / MINUTE)).toEqual([1, 2, 6, 7]);
    expect(await h.memory.counts('default')).toMatchObject({ done: 4, scheduled: 1 });
  });

  it('a_trigger_runs_once_now_and_the_cadence_stays', async () => {
    const h = harness();
    const runs: TickRun[] = [];
    const [worker] = tickWorkers(h, 1, runs);
    const start = h.clock.now();
    await h.client.schedule('triggered', { everyMs: MINUTE, type: 'tick' });
    await worker?.start();
    await h.clock.advance(20_000);
    await h.memory.triggerSchedule('triggered', { now: h.clock.now() });
    await advanceInSteps(h, 2 * MINUTE, 10_000);
    expect(runs.map((run) => ({ tick: run.tick - start, at: run.at - start }))).toEqual([
      { tick: 20_000, at: 20_000 },
      { tick: MINUTE, at: MINUTE },
      { tick: 2 * MINUTE, at: 2 * MINUTE },
    ]);
  });

  it('a_limit_ends_the_schedule_after_that_many_runs', async () => {
    const h = harness();
    const runs: TickRun[] = [];
    const [worker] = tickWorkers(h, 1, runs);
    await h.client.schedule('thrice', { everyMs: MINUTE, type: 'tick', limit: 3 });
    await worker?.start();
    await advanceInSteps(h, 10 * MINUTE, MINUTE);
    expect(runs).toHaveLength(3);
    const record = await h.memory.getSchedule('thrice');
    expect(record?.runs).toBe(3);
    expect(record?.nextRunAt).toBeUndefined();
  });

  it('an_advance_whose_reply_was_lost_gives_the_job_back_and_the_next_reserve_sorts_it_out', async () => {
    const h = harness();
    const runs: TickRun[] = [];
    const { worker, events } = h.worker({ scheduleCheckMs: 0 });
    worker.register('tick', (job) => {
      runs.push({ tick: job.scheduledFor as number, at: h.clock.now(), worker: 0, attempt: job.attempt, id: job.id });
    });
    let lost = false;
    h.driver.override('advanceSchedule', async (real: MemoryDriver, request: Parameters<MemoryDriver['advanceSchedule']>[0]) => {
      const result = await real.advanceSchedule(request);
      if (lost) return result;
      lost = true;
      throw new OutcomeUnknownError('advanceSchedule', 'the reply was lost');
    });
    const start = h.clock.now();
    await h.client.schedule('flaky', { everyMs: MINUTE, type: 'tick' });
    await worker.start();
    await advanceInSteps(h, 2 * MINUTE, 10_000);
    expect(events.of('error').map((e) => e.during)).toEqual(['schedule']);
    expect(h.driver.count('release')).toBe(1);
    expect(runs.map((run) => run.tick - start)).toEqual([MINUTE, 2 * MINUTE]);
  });

  it('an_idle_worker_looks_at_the_schedules_once_per_interval_and_only_touches_its_queues', async () => {
    const h = harness();
    const { worker } = h.worker({ queues: ['mine'], scheduleCheckMs: MINUTE });
    await h.client.schedule('theirs', { everyMs: MINUTE, type: 'tick', queue: 'theirs' });
    await h.memory.purge('theirs', { status: 'scheduled' });
    await worker.start();
    await h.clock.advance(10 * MINUTE);
    expect(h.driver.count('schedules')).toBe(11);
    expect(h.driver.count('inspect') + h.driver.count('advanceSchedule')).toBe(0);
    // The idle wait, the schedule look and the live-worker refresh.
    expect(h.clock.pendingTimers()).toBe(3);
  });

  it('a_worker_on_a_driver_without_schedules_never_calls_a_schedule_operation', async () => {
    const h = harness();
    const plain = withoutJobControl(h.driver);
    const ran: (number | undefined)[] = [];
    const worker = new Worker(plain, { clock: h.clock, keepAlive: false, scheduleCheckMs: MINUTE });
    worker.register('tick', (job) => {
      ran.push(job.scheduledFor);
    });
    await h.client.schedule('unseen', { everyMs: MINUTE, type: 'tick' });
    await worker.start();
    await h.clock.advance(3 * MINUTE);
    await h.until(() => ran.length === 1, 'the pending occurrence ran as a plain job');
    await worker.close();
    const scheduleCalls = h.driver.calls.filter((call) => /Schedule|^schedules$/.test(call.method));
    expect(scheduleCalls.map((call) => call.method)).toEqual(['getSchedule', 'putSchedule']);
  });
});
