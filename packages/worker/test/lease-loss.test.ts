import { LeaseExpiredError, LeaseMismatchError } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import { LeaseLostError } from '../src/index.js';
import { Gate, harness } from './support/harness.js';

describe('lease loss', () => {
  it('lease_mismatch_at_a_heartbeat_aborts_the_signal_and_writes_no_outcome', async () => {
    const h = harness();
    const gate = new Gate();
    const { worker, events } = h.worker({ leaseMs: 30_000, heartbeatMs: 10_000 });
    let signal: AbortSignal | undefined;
    worker.register('long', async (_job, ctx) => {
      signal = ctx.signal;
      await gate.promise;
    });
    const { id } = await h.client.enqueue('long', undefined);
    await worker.start();
    await h.until(() => events.of('active').length === 1, 'started');
    const first = events.of('active')[0]!.lease;

    // Someone else reclaims the job after the lease (a reserve at a later `now`), taking a new token.
    const taken = await h.memory.reserve({ queue: 'default', limit: 1, leaseMs: 60_000, now: first.expiresAt });
    expect(taken.jobs).toHaveLength(1);

    await h.clock.advance(10_000);
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toBeInstanceOf(LeaseLostError);
    const lost = events.of('leaseLost');
    expect(lost).toHaveLength(1);
    expect(lost[0]?.during).toBe('heartbeat');
    expect(lost[0]?.error).toBeInstanceOf(LeaseMismatchError);

    gate.resolve();
    for (let i = 0; i < 10; i++) await h.clock.flush();
    expect(h.driver.count('ack')).toBe(0);
    const record = await h.memory.inspect({ queue: 'default', id });
    expect(record?.status).toBe('inflight');
    expect(record?.lease?.token).toBe(taken.jobs[0]?.lease.token);
    expect(events.of('completed')).toHaveLength(0);
  });

  it('lease_that_ran_out_while_extensions_failed_aborts_the_signal_and_writes_no_outcome', async () => {
    const h = harness();
    const { worker, events } = h.worker({ leaseMs: 30_000, heartbeatMs: 10_000 });
    let signal: AbortSignal | undefined;
    worker.register('long', (_job, ctx) => {
      // The job is run again here once reclaimed; watch the first run.
      signal ??= ctx.signal;
      return new Promise((_resolve, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)));
    });
    await h.client.enqueue('long', undefined);
    await worker.start();
    await h.until(() => events.of('active').length === 1, 'started');

    h.driver.override('extendLeases', () => Promise.reject(new Error('connection reset')));
    await h.clock.advance(20_000);
    expect(signal?.aborted).toBe(false);
    await h.clock.advance(10_000);
    expect(signal?.aborted).toBe(true);
    expect(events.of('leaseLost')[0]?.error).toBeInstanceOf(LeaseExpiredError);
    for (let i = 0; i < 10; i++) await h.clock.flush();
    expect(h.driver.count('retry') + h.driver.count('fail') + h.driver.count('ack')).toBe(0);
  });

  it('outcome_rejected_with_a_lease_error_emits_leaseLost_and_is_not_resent', async () => {
    const h = harness();
    const gate = new Gate();
    const { worker, events } = h.worker({ leaseMs: 30_000, heartbeatMs: 10_000 });
    worker.register('long', () => gate.promise);
    await h.client.enqueue('long', undefined);
    await worker.start();
    await h.until(() => events.of('active').length === 1, 'started');
    const lease = events.of('active')[0]!.lease;
    await h.memory.reserve({ queue: 'default', limit: 1, leaseMs: 60_000, now: lease.expiresAt });

    gate.resolve();
    await h.until(() => events.of('leaseLost').length === 1, 'lease lost on ack');
    expect(events.of('leaseLost')[0]?.during).toBe('outcome');
    expect(h.driver.count('ack')).toBe(1);
    expect(events.of('completed')).toHaveLength(0);
  });

  it('outcome_with_an_unknown_result_emits_error_and_is_not_resent', async () => {
    const h = harness();
    h.driver.override('ack', () => Promise.reject(new Error('connection dropped before the reply')));
    const { worker, events } = h.worker();
    worker.register('quick', () => {});
    await h.client.enqueue('quick', undefined);
    await worker.start();
    await h.until(() => events.of('error').length === 1, 'error reported');

    expect(events.of('error')[0]?.during).toBe('ack');
    for (let i = 0; i < 10; i++) await h.clock.flush();
    expect(h.driver.count('ack')).toBe(1);
    expect(events.of('completed')).toHaveLength(0);
  });

  it('extendLease_by_hand_after_the_lease_was_taken_rejects_and_aborts_the_signal', async () => {
    const h = harness();
    const { worker, events } = h.worker({ leaseMs: 30_000 });
    const outcome: unknown[] = [];
    const gate = new Gate();
    worker.register('long', async (_job, ctx) => {
      await gate.promise;
      await ctx.extendLease().catch((error: unknown) => outcome.push(error));
      outcome.push(ctx.signal.reason);
    });
    await h.client.enqueue('long', undefined);
    await worker.start();
    await h.until(() => events.of('active').length === 1, 'started');
    const lease = events.of('active')[0]!.lease;
    await h.memory.reserve({ queue: 'default', limit: 1, leaseMs: 60_000, now: lease.expiresAt });

    gate.resolve();
    await h.until(() => outcome.length === 2, 'handler saw the loss');
    expect(outcome[0]).toBeInstanceOf(LeaseMismatchError);
    expect(outcome[1]).toBeInstanceOf(LeaseLostError);
    expect(events.of('leaseLost')[0]?.during).toBe('extendLease');
    expect(h.driver.count('ack')).toBe(0);
  });
});
