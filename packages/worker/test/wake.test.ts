import { describe, expect, it } from 'vitest';
import { RetryPolicy } from '@taskharbor/core';
import { HOUR, harness } from './support/harness.js';

describe('wake-up', () => {
  it('idle_worker_picks_up_a_new_job_when_waitForWork_wakes_it_without_time_passing', async () => {
    const h = harness();
    const { worker, events } = h.worker({ pollIntervalMs: HOUR });
    const ranAt: number[] = [];
    worker.register('ping', () => {
      ranAt.push(h.clock.now());
    });
    await worker.start();
    await h.until(() => events.of('drained').length === 1, 'idle');
    const start = h.clock.now();

    await h.client.enqueue('ping', undefined);
    await h.until(() => events.of('completed').length === 1, 'job completed');

    expect(ranAt).toEqual([start]);
    expect(h.clock.now()).toBe(start);
  });

  it('idle_worker_picks_up_a_scheduled_job_exactly_at_its_runAt', async () => {
    const h = harness();
    const { worker, events } = h.worker({ pollIntervalMs: HOUR });
    const ranAt: number[] = [];
    worker.register('later', () => {
      ranAt.push(h.clock.now());
    });
    const runAt = h.clock.now() + 5_000;
    await h.client.enqueue('later', undefined, { runAt });
    await worker.start();
    await h.until(() => events.of('drained').length === 1, 'idle');

    await h.clock.advanceTo(runAt - 1);
    expect(ranAt).toEqual([]);
    await h.clock.advanceTo(runAt);
    await h.until(() => ranAt.length === 1, 'scheduled job ran');
    expect(ranAt).toEqual([runAt]);
  });

  it('idle_worker_waits_on_one_timer_and_does_not_poll', async () => {
    const h = harness();
    // The live-worker refresh (every 8 hours here) is the only other timer.
    const { worker, events } = h.worker({ pollIntervalMs: HOUR, registryTtlMs: 24 * HOUR });
    worker.register('ping', () => {});
    await worker.start();
    await h.until(() => events.of('drained').length === 1, 'idle');
    const reserves = h.driver.count('reserve');

    expect(h.clock.pendingTimers()).toBe(2);
    expect(h.clock.nextTimerAt()).toBe(h.clock.now() + HOUR);
    for (let i = 0; i < 20; i++) await h.clock.flush();
    await h.clock.advance(HOUR - 1);
    expect(h.driver.count('reserve')).toBe(reserves);
  });

  it('an_idle_poll_keeps_the_wait_that_is_still_out_rather_than_ending_and_making_it_again', async () => {
    const h = harness();
    const { worker, events } = h.worker({ pollIntervalMs: 1_000 });
    worker.register('ping', () => {});
    await worker.start();
    await h.until(() => events.of('drained').length === 1, 'idle');
    const waits = h.driver.count('waitForWork');
    const reserves = h.driver.count('reserve');
    const first = h.driver.calls.filter((call) => call.method === 'waitForWork').at(-1)?.args[0] as { signal: AbortSignal };

    // Three polls: three reserves, all under the one wait armed before the first.
    for (let i = 1; i <= 3; i++) {
      await h.clock.advance(1_000);
      await h.until(() => h.driver.count('reserve') === reserves + i, `poll ${i}`);
    }
    expect(h.driver.count('waitForWork')).toBe(waits);
    expect(first.signal.aborted).toBe(false);

    // It still wakes the worker for work, and is ended once the reserve finds some.
    await h.client.enqueue('ping', undefined);
    await h.until(() => events.of('completed').length === 1, 'woken and done');
    expect(first.signal.aborted).toBe(true);
  });

  it('retry_scheduled_by_this_worker_runs_at_its_runAt_while_the_worker_is_idle', async () => {
    const h = harness();
    const { worker, events } = h.worker({ retryPolicy: RetryPolicy.fixed(2_000) });
    const ranAt: number[] = [];
    worker.register('flaky', () => {
      ranAt.push(h.clock.now());
      if (ranAt.length === 1) throw new Error('first run fails');
    });
    await worker.start();
    await h.until(() => events.of('drained').length === 1, 'idle');
    const start = h.clock.now();
    await h.client.enqueue('flaky', undefined);
    await h.until(() => events.of('retrying').length === 1, 'retry written');

    await h.clock.advance(2_000);
    await h.until(() => events.of('completed').length === 1, 'second run completed');
    expect(ranAt).toEqual([start, start + 2_000]);
  });

  it('fallback_poll_finds_work_when_waitForWork_never_wakes', async () => {
    const h = harness();
    h.driver.override('waitForWork', (_real, request: never) => {
      const { signal } = request as { signal: AbortSignal };
      return new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    });
    const { worker, events } = h.worker({ pollIntervalMs: 1_000 });
    worker.register('ping', () => {});
    await worker.start();
    await h.until(() => events.of('drained').length === 1, 'idle');
    const start = h.clock.now();

    await h.client.enqueue('ping', undefined);
    for (let i = 0; i < 20; i++) await h.clock.flush();
    expect(events.of('completed')).toHaveLength(0);
    await h.clock.advanceTo(start + 1_000);
    await h.until(() => events.of('completed').length === 1, 'polled job completed');
  });

  it('failing_waitForWork_is_reported_and_the_worker_looks_again_soon', async () => {
    const h = harness();
    h.driver.override('waitForWork', () => Promise.reject(new Error('connection reset')));
    const { worker, events } = h.worker({ pollIntervalMs: HOUR });
    worker.register('ping', () => {});
    await worker.start();
    await h.until(() => events.of('error').length >= 1, 'error reported');
    expect(events.of('error')[0]?.during).toBe('waitForWork');

    await h.client.enqueue('ping', undefined);
    await h.clock.advance(1_000);
    await h.until(() => events.of('completed').length === 1, 'job found on the retry look');
  });
});
