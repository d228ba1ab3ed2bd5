import { type AckOptions, type Driver, JobCancelledError, type Lease, requireJobControl } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import { Worker } from '../src/index.js';
import { Gate, HOUR, harness } from './support/harness.js';
import { withoutJobControl } from './support/instrument.js';
import { abortedBy } from './support/signals.js';

describe('cancel', () => {
  it('cancel_pushed_to_the_worker_aborts_the_handler_with_JobCancelledError_and_the_job_ends_cancelled', async () => {
    const h = harness();
    const control = requireJobControl(h.memory, 'test');
    const gate = new Gate();
    const { worker, events } = h.worker({ concurrency: 3, leaseMs: 30_000, heartbeatMs: 10_000 });
    const signals = new Map<string, AbortSignal>();
    worker.register('long', async (job, ctx) => {
      signals.set(job.id, ctx.signal);
      await Promise.race([gate.promise, abortedBy(ctx.signal)]);
    });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await h.client.enqueue('long', undefined)).id);
    await worker.start();
    await h.until(() => events.of('active').length === 3, 'all started');
    const target = ids[1] as string;
    const at = h.clock.now();

    expect(await control.cancel({ queue: 'default', id: target }, { reason: 'ordered by mistake', now: at })).toEqual({
      status: 'cancelling',
    });
    await h.until(() => events.of('cancelled').length === 1, 'cancelled');

    // No time passed: the push, not a heartbeat, brought the request.
    expect(h.clock.now()).toBe(at);
    const reason = signals.get(target)?.reason;
    expect(reason).toBeInstanceOf(JobCancelledError);
    expect((reason as JobCancelledError).jobId).toBe(target);
    expect(events.of('cancelled')[0]?.job.id).toBe(target);
    const record = await h.memory.inspect({ queue: 'default', id: target });
    expect(record?.status).toBe('cancelled');
    expect(record?.cancelReason).toBe('ordered by mistake');
    expect(record?.cancelledAt).toBe(at);
    expect(record?.attempts).toBe(0);
    expect(events.of('failed')).toHaveLength(0);
    expect(events.of('retrying')).toHaveLength(0);
    expect(events.of('dead')).toHaveLength(0);
    expect(events.of('completed')).toHaveLength(0);

    // The other jobs were left alone.
    for (const id of ids) if (id !== target) expect(signals.get(id)?.aborted).toBe(false);
    gate.resolve();
    await h.until(() => events.of('completed').length === 2, 'others completed');
    const counts = await h.memory.counts('default');
    expect(counts).toMatchObject({ done: 2, cancelled: 1, inflight: 0, ready: 0, scheduled: 0, dlq: 0 });
  });

  it('a_handler_that_returns_a_value_after_the_cancel_still_ends_cancelled_with_no_result', async () => {
    const h = harness();
    const control = requireJobControl(h.memory, 'test');
    const { worker, events } = h.worker();
    worker.register('stubborn', async (_job, ctx) => {
      await abortedBy(ctx.signal).catch(() => {});
      return { finished: 'anyway' };
    });
    const { id } = await h.client.enqueue('stubborn', undefined);
    await worker.start();
    await h.until(() => events.of('active').length === 1, 'started');
    await control.cancel({ queue: 'default', id }, { now: h.clock.now() });
    await h.until(() => events.of('cancelled').length === 1, 'cancelled');

    const record = await h.memory.inspect({ queue: 'default', id });
    expect(record?.status).toBe('cancelled');
    expect(record?.result).toBeUndefined();
    expect(events.of('completed')).toHaveLength(0);
  });

  it('cancel_reaches_the_handler_at_the_next_heartbeat_when_the_push_never_comes', async () => {
    const h = harness();
    const control = requireJobControl(h.memory, 'test');
    // A push channel that listens but never delivers (a dropped subscription).
    h.driver.override('subscribeCancels', async () => {});
    const { worker, events } = h.worker({ leaseMs: 30_000, heartbeatMs: 10_000 });
    let signal: AbortSignal | undefined;
    worker.register('long', async (_job, ctx) => {
      signal = ctx.signal;
      await abortedBy(ctx.signal);
    });
    const { id } = await h.client.enqueue('long', undefined);
    await worker.start();
    await h.until(() => events.of('active').length === 1, 'started');
    expect(h.driver.count('subscribeCancels')).toBe(1);

    await control.cancel({ queue: 'default', id }, { now: h.clock.now() });
    await h.clock.advance(9_999);
    expect(signal?.aborted).toBe(false);
    await h.clock.advance(1);
    await h.until(() => events.of('cancelled').length === 1, 'cancelled at the beat');
    expect(signal?.reason).toBeInstanceOf(JobCancelledError);
    expect((await h.memory.inspect({ queue: 'default', id }))?.status).toBe('cancelled');
    expect(events.of('retrying')).toHaveLength(0);
  });

  it('cancelPush_false_never_subscribes_and_the_heartbeat_alone_brings_the_cancel', async () => {
    const h = harness();
    const control = requireJobControl(h.memory, 'test');
    const { worker, events } = h.worker({ leaseMs: 30_000, heartbeatMs: 10_000, cancelPush: false });
    worker.register('long', async (_job, ctx) => abortedBy(ctx.signal));
    const { id } = await h.client.enqueue('long', undefined);
    await worker.start();
    await h.until(() => events.of('active').length === 1, 'started');
    await control.cancel({ queue: 'default', id }, { now: h.clock.now() });
    await h.clock.flush();
    expect(events.of('cancelled')).toHaveLength(0);
    await h.clock.advance(10_000);
    await h.until(() => events.of('cancelled').length === 1, 'cancelled at the beat');
    expect(h.driver.count('subscribeCancels')).toBe(0);
    expect((await h.memory.inspect({ queue: 'default', id }))?.status).toBe('cancelled');
  });

  it('a_cancel_after_the_handler_settled_but_before_its_ack_is_written_ends_the_job_cancelled', async () => {
    const h = harness();
    const control = requireJobControl(h.memory, 'test');
    const ackHeld = new Gate();
    const ackCalled = new Gate();
    h.driver.override('ack', async (real, lease: Lease, now: number, options?: AckOptions) => {
      ackCalled.resolve();
      await ackHeld.promise;
      const ack: Driver['ack'] = real.ack.bind(real);
      return ack(lease, now, options);
    });
    const { worker, events } = h.worker();
    let signal: AbortSignal | undefined;
    worker.register('quick', (_job, ctx) => {
      signal = ctx.signal;
      return 'done';
    });
    const { id } = await h.client.enqueue('quick', undefined);
    await worker.start();
    await ackCalled.promise;
    expect(await control.cancel({ queue: 'default', id }, { now: h.clock.now() })).toEqual({ status: 'cancelling' });
    ackHeld.resolve();
    await h.until(() => events.of('completed').length === 1, 'ack written');

    // The handler had settled: nothing was aborted, and the store finished the job as cancelled.
    expect(signal?.aborted).toBe(false);
    const record = await h.memory.inspect({ queue: 'default', id });
    expect(record?.status).toBe('cancelled');
    expect(record?.result).toBeUndefined();
  });

  it('a_cancelled_handler_that_outlives_its_timeout_still_ends_cancelled_not_failed', async () => {
    const h = harness();
    const control = requireJobControl(h.memory, 'test');
    const { worker, events } = h.worker({ leaseMs: 30_000 });
    const never = new Gate();
    worker.register('deaf', () => never.promise);
    const { id } = await h.client.enqueue('deaf', undefined, { timeoutMs: 5_000 });
    await worker.start();
    await h.until(() => events.of('active').length === 1, 'started');
    await control.cancel({ queue: 'default', id }, { now: h.clock.now() });
    await h.clock.flush();
    await h.clock.advance(5_000);
    await h.until(() => events.of('cancelled').length === 1, 'cancelled at the timeout');
    expect(events.of('failed')).toHaveLength(0);
    const record = await h.memory.inspect({ queue: 'default', id });
    expect(record?.status).toBe('cancelled');
    expect(record?.attempts).toBe(0);
    never.resolve();
  });

  it('close_ends_the_cancel_subscription', async () => {
    const h = harness();
    const { worker } = h.worker();
    await worker.start();
    const call = h.driver.calls.find((entry) => entry.method === 'subscribeCancels');
    const subscription = call?.args[0] as { queues: string[]; signal: AbortSignal };
    expect(subscription.queues).toEqual(['default']);
    expect(subscription.signal.aborted).toBe(false);
    await worker.close();
    expect(subscription.signal.aborted).toBe(true);
  });

  it('a_failing_subscription_is_reported_and_the_worker_runs_on_with_the_heartbeat', async () => {
    const h = harness();
    const control = requireJobControl(h.memory, 'test');
    h.driver.override('subscribeCancels', async () => {
      throw new Error('subscriber connection refused');
    });
    const { worker, events } = h.worker({ leaseMs: 30_000, heartbeatMs: 10_000 });
    worker.register('long', async (_job, ctx) => abortedBy(ctx.signal));
    const { id } = await h.client.enqueue('long', undefined);
    await worker.start();
    await h.until(() => events.of('active').length === 1, 'started');
    expect(events.of('error').map((e) => [e.during, e.error.message])).toEqual([['subscribeCancels', 'subscriber connection refused']]);
    await control.cancel({ queue: 'default', id }, { now: h.clock.now() });
    await h.clock.advance(10_000);
    await h.until(() => events.of('cancelled').length === 1, 'cancelled at the beat');
  });

  it('a_driver_without_job_control_runs_jobs_without_cancel_watching_or_error', async () => {
    const h = harness();
    const worker = new Worker(withoutJobControl(h.driver), { clock: h.clock, keepAlive: false, pollIntervalMs: HOUR });
    const errors: unknown[] = [];
    worker.on('error', (e) => errors.push(e));
    let done = 0;
    worker.on('completed', () => done++);
    worker.register('plain', () => ({ kept: false }));
    const { id } = await h.client.enqueue('plain', undefined);
    await worker.start();
    await h.until(() => done === 1, 'completed');
    await worker.close();

    expect(h.driver.count('subscribeCancels')).toBe(0);
    expect(errors).toEqual([]);
    const record = await h.memory.inspect({ queue: 'default', id });
    expect(record?.status).toBe('done');
    // Without job control the return value is not encoded or passed on.
    expect(record?.result).toBeUndefined();
    const ack = h.driver.calls.find((call) => call.method === 'ack');
    expect(ack?.args).toHaveLength(2);
  });
});
