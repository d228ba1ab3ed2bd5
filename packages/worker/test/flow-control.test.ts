import { RateLimitedError, UnsupportedOperationError, ValidationError } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import { Worker } from '../src/index.js';
import { Gate, HOUR, harness } from './support/harness.js';
import { withoutJobControl } from './support/instrument.js';

describe('ctx.snooze', () => {
  it('ends_the_run_and_runs_the_job_again_later_without_counting_a_failure', async () => {
    const h = harness();
    const { worker, events } = h.worker();
    const seen: number[] = [];
    let after = 0;
    worker.register('poll', async (job, ctx) => {
      seen.push(job.snoozes);
      if (job.snoozes === 0) {
        ctx.snooze(5_000);
        after++;
      }
    });
    const { id } = await h.client.enqueue('poll', undefined);
    const start = h.clock.now();
    await worker.start();
    await h.until(() => events.of('snoozed').length === 1, 'snoozed');

    expect(after).toBe(0);
    expect(events.of('snoozed')[0]?.runAt).toBe(start + 5_000);
    expect(events.of('failed')).toHaveLength(0);
    const waiting = await h.memory.inspect({ queue: 'default', id });
    expect(waiting).toMatchObject({ status: 'scheduled', runAt: start + 5_000, attempts: 0, snoozes: 1 });

    await h.clock.advance(5_000);
    await h.until(() => events.of('completed').length === 1, 'completed after the snooze');
    expect(seen).toEqual([0, 1]);
    expect(await h.memory.inspect({ queue: 'default', id })).toMatchObject({ status: 'done', attempts: 0, snoozes: 1 });
  });

  it('a_handler_that_catches_the_snooze_still_ends_snoozed', async () => {
    const h = harness();
    const { worker, events } = h.worker();
    worker.register('stubborn', async (_job, ctx) => {
      try {
        ctx.snooze(1_000);
      } catch {
        // swallowed by mistake
      }
      return 'finished anyway';
    });
    const { id } = await h.client.enqueue('stubborn', undefined);
    await worker.start();
    await h.until(() => events.of('snoozed').length === 1, 'snoozed');
    expect(events.of('completed')).toHaveLength(0);
    expect(await h.memory.inspect({ queue: 'default', id })).toMatchObject({ status: 'scheduled', snoozes: 1 });
  });

  it('a_bad_delay_is_an_ordinary_failure_with_a_ValidationError', async () => {
    const h = harness();
    const { worker, events } = h.worker();
    worker.register('bad', async (_job, ctx) => ctx.snooze(-5));
    await h.client.enqueue('bad', undefined, { maxAttempts: 1 });
    await worker.start();
    await h.until(() => events.of('dead').length === 1, 'dead');
    expect(events.of('failed')[0]?.error).toBeInstanceOf(ValidationError);
    expect(events.of('snoozed')).toHaveLength(0);
  });

  it('on_a_driver_without_flow_control_it_fails_the_run_with_UnsupportedOperationError', async () => {
    const h = harness();
    const worker = new Worker(withoutJobControl(h.driver), { clock: h.clock, keepAlive: false, pollIntervalMs: HOUR });
    const failures: unknown[] = [];
    worker.on('failed', ({ error }) => failures.push(error));
    worker.register('poll', async (_job, ctx) => ctx.snooze(1_000));
    await h.client.enqueue('poll', undefined, { maxAttempts: 1 });
    await worker.start();
    await h.until(() => failures.length === 1, 'failed');
    await worker.close();
    expect(failures[0]).toBeInstanceOf(UnsupportedOperationError);
    expect(h.driver.count('snooze')).toBe(0);
  });

  it('a_cancel_wins_over_a_snooze', async () => {
    const h = harness();
    const { worker, events } = h.worker();
    const gate = new Gate();
    worker.register('slow', async (_job, ctx) => {
      await gate.promise;
      ctx.snooze(1_000);
    });
    const { id } = await h.client.enqueue('slow', undefined);
    await worker.start();
    await h.until(() => events.of('active').length === 1, 'started');
    await h.driver.cancel({ queue: 'default', id }, { now: h.clock.now() });
    await h.clock.flush();
    gate.resolve();
    await h.until(() => events.of('cancelled').length === 1, 'cancelled');
    expect(events.of('snoozed')).toHaveLength(0);
    expect((await h.memory.inspect({ queue: 'default', id }))?.status).toBe('cancelled');
  });
});

describe('RateLimitedError', () => {
  it('holds_back_the_group_of_the_job_and_lets_other_groups_run', async () => {
    const h = harness();
    const { worker, events } = h.worker({ concurrency: 1 });
    const runs: string[] = [];
    let limited = false;
    worker.register('call', async (job) => {
      const { tenant } = job.payload as { tenant: string };
      runs.push(tenant);
      if (tenant === 'a' && !limited) {
        limited = true;
        throw new RateLimitedError(10_000);
      }
    });
    const first = await h.client.enqueue('call', { tenant: 'a' }, { group: 'a' });
    await h.client.enqueue('call', { tenant: 'a' }, { group: 'a' });
    await h.client.enqueue('call', { tenant: 'b' }, { group: 'b' });
    await h.client.enqueue('call', { tenant: 'b' }, { group: 'b' });
    const start = h.clock.now();
    await worker.start();
    await h.until(() => events.of('completed').length === 2, 'group b ran');

    expect(runs).toEqual(['a', 'b', 'b']);
    expect(events.of('rateLimited')).toEqual([expect.objectContaining({ until: start + 10_000, scope: 'group' })]);
    expect(events.of('failed')).toHaveLength(0);
    expect(await h.memory.inspect({ queue: 'default', id: first.id })).toMatchObject({ status: 'ready', attempts: 0 });

    await h.clock.advance(10_000);
    await h.until(() => events.of('completed').length === 4, 'group a after its hold');
    expect(runs).toEqual(['a', 'b', 'b', 'a', 'a']);
  });

  it('holds_back_the_whole_queue_for_a_job_without_a_group', async () => {
    const h = harness();
    const { worker, events } = h.worker({ concurrency: 1 });
    let calls = 0;
    worker.register('call', async () => {
      calls++;
      if (calls === 1) throw new RateLimitedError(3_000);
    });
    await h.client.enqueue('call', undefined);
    await h.client.enqueue('call', undefined);
    await worker.start();
    await h.until(() => events.of('rateLimited').length === 1, 'rate limited');
    await h.clock.advance(2_999);
    expect(calls).toBe(1);
    expect(events.of('rateLimited')[0]?.scope).toBe('queue');
    await h.clock.advance(1);
    await h.until(() => events.of('completed').length === 2, 'both ran after the hold');
    expect(calls).toBe(3);
  });

  it('without_flow_control_it_is_a_failure_retried_after_the_hold', async () => {
    const h = harness();
    const worker = new Worker(withoutJobControl(h.driver), { clock: h.clock, keepAlive: false, pollIntervalMs: HOUR });
    const retries: { attempts: number; runAt: number | undefined }[] = [];
    worker.on('retrying', ({ attempts, runAt }) => retries.push({ attempts, runAt }));
    worker.register('call', async () => {
      throw new RateLimitedError(7_000);
    });
    await h.client.enqueue('call', undefined);
    const start = h.clock.now();
    await worker.start();
    await h.until(() => retries.length === 1, 'retrying');
    await worker.close();
    expect(retries).toEqual([{ attempts: 1, runAt: start + 7_000 }]);
    expect(h.driver.count('holdBack')).toBe(0);
  });
});
