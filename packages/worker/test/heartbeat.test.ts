import type { Lease } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import { Gate, harness } from './support/harness.js';

describe('heartbeat', () => {
  it('heartbeat_keeps_a_job_running_longer_than_its_lease_from_being_reclaimed', async () => {
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

    await h.clock.advance(5 * 60_000);
    // Another reserve at this moment finds nothing to reclaim.
    const other = await h.memory.reserve({ queue: 'default', limit: 10, leaseMs: 30_000, now: h.clock.now() });
    expect(other.jobs).toHaveLength(0);
    expect(signal?.aborted).toBe(false);

    gate.resolve();
    await h.until(() => events.of('completed').length === 1, 'completed');
    const record = await h.memory.inspect({ queue: 'default', id });
    expect(record?.status).toBe('done');
    expect(record?.reclaims).toBe(0);
    expect(events.of('leaseLost')).toHaveLength(0);
  });

  it('heartbeat_renews_every_running_lease_with_one_batched_call_per_beat', async () => {
    const h = harness();
    const gate = new Gate();
    const { worker, events } = h.worker({ concurrency: 5, leaseMs: 30_000, heartbeatMs: 10_000 });
    worker.register('long', () => gate.promise);
    for (let i = 0; i < 5; i++) await h.client.enqueue('long', undefined);
    await worker.start();
    await h.until(() => events.of('active').length === 5, 'all started');

    await h.clock.advance(30_000);
    expect(h.driver.count('extendLeases')).toBe(3);
    expect(h.driver.count('extendLease')).toBe(0);
    const lastBeat = h.driver.calls.filter((call) => call.method === 'extendLeases').at(-1);
    expect(lastBeat?.args[0]).toHaveLength(5);
    gate.resolve();
  });

  it('heartbeat_uses_extendLease_per_job_when_the_driver_has_no_batch_form', async () => {
    const h = harness();
    h.driver.override('extendLeases', 'absent');
    const gate = new Gate();
    const { worker, events } = h.worker({ concurrency: 3, leaseMs: 30_000, heartbeatMs: 10_000 });
    worker.register('long', () => gate.promise);
    for (let i = 0; i < 3; i++) await h.client.enqueue('long', undefined);
    await worker.start();
    await h.until(() => events.of('active').length === 3, 'all started');

    await h.clock.advance(60_000);
    expect(h.driver.count('extendLease')).toBe(3 * 6);
    expect(events.of('leaseLost')).toHaveLength(0);
    gate.resolve();
    await h.until(() => events.of('completed').length === 3, 'completed');
  });

  it('extension_error_other_than_the_lease_is_reported_and_retried_at_the_next_beat', async () => {
    const h = harness();
    const gate = new Gate();
    const { worker, events } = h.worker({ leaseMs: 30_000, heartbeatMs: 10_000 });
    worker.register('long', () => gate.promise);
    await h.client.enqueue('long', undefined);
    await worker.start();
    await h.until(() => events.of('active').length === 1, 'started');

    h.driver.override('extendLeases', () => Promise.reject(new Error('connection reset')));
    await h.clock.advance(10_000);
    expect(events.of('error').map((e) => e.during)).toEqual(['heartbeat']);
    h.driver.restore('extendLeases');
    await h.clock.advance(10_000);
    expect(h.driver.count('extendLeases')).toBe(2);

    await h.clock.advance(25_000);
    expect(events.of('leaseLost')).toHaveLength(0);
    gate.resolve();
    await h.until(() => events.of('completed').length === 1, 'completed');
  });

  it('handler_can_extend_its_lease_by_hand_and_later_beats_keep_the_longer_lease', async () => {
    const h = harness();
    const gate = new Gate();
    const { worker, events } = h.worker({ leaseMs: 30_000, heartbeatMs: 10_000 });
    const leases: Lease[] = [];
    worker.register('long', async (_job, ctx) => {
      leases.push(await ctx.extendLease(120_000));
      await gate.promise;
      leases.push(ctx.lease);
    });
    const { id } = await h.client.enqueue('long', undefined);
    const start = h.clock.now();
    await worker.start();
    await h.until(() => leases.length === 1, 'extended by hand');
    expect(leases[0]?.expiresAt).toBe(start + 120_000);

    await h.clock.advance(10_000);
    gate.resolve();
    await h.until(() => events.of('completed').length === 1, 'completed');
    expect(leases[1]?.expiresAt).toBe(start + 10_000 + 120_000);
    expect((await h.memory.inspect({ queue: 'default', id }))?.status).toBe('done');
  });

  it('idle_worker_runs_no_heartbeat_timer', async () => {
    const h = harness();
    const { worker, events } = h.worker({ leaseMs: 30_000 });
    worker.register('quick', () => {});
    await h.client.enqueue('quick', undefined);
    await worker.start();
    await h.until(() => events.of('drained').length === 1, 'done and idle');
    await h.clock.advance(10_000);
    expect(h.driver.count('extendLeases')).toBe(0);
    // The timers left are the idle wait's and the live-worker refresh's.
    expect(h.clock.pendingTimers()).toBe(2);
  });
});
