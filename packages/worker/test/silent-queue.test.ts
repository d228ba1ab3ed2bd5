import type { Lease } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import { ASK_PATIENCE_MS } from '../src/reserve-round.js';
import { Gate, harness } from './support/harness.js';

/**
 * One queue whose driver calls never answer (its Redis shard is silent):
 * reserves, lease renewals and acks of the other queue go on as before.
 */
describe('a silent queue stalls only itself', () => {
  const queues = [
    { name: 'silent', weight: 1 },
    { name: 'healthy', weight: 1 },
  ];

  it('reserves_of_other_queues_go_on_while_one_queue_does_not_answer', async () => {
    const h = harness();
    const silence = new Gate();
    h.driver.override('reserve', (real, request: never) => {
      const { queue } = request as { queue: string };
      return queue === 'silent' ? silence.promise.then(() => real.reserve(request)) : real.reserve(request);
    });
    const { worker, events } = h.worker({ queues, queueOrder: 'weighted', concurrency: 4 });
    worker.register('work', () => {});
    for (let i = 0; i < 20; i++) await h.client.enqueue('work', undefined, { queue: 'healthy' });
    await h.client.enqueue('work', undefined, { queue: 'silent' });
    await worker.start();
    await h.until(() => h.driver.count('reserve') >= 1, 'first reserve');
    expect(events.of('completed')).toHaveLength(0);

    await h.clock.advance(ASK_PATIENCE_MS);
    await h.until(() => events.of('completed').length === 20, 'every healthy job done');
    const silentLimits = () =>
      h.driver.calls
        .filter((call) => call.method === 'reserve' && (call.args[0] as { queue: string }).queue === 'silent')
        .map((call) => (call.args[0] as { limit: number }).limit);
    // One reserve of the silent queue is out; no round asked it again meanwhile.
    expect(silentLimits()).toHaveLength(1);

    // The silent reserve answers at last: its job runs in a slot free by then.
    silence.resolve();
    await h.until(() => events.of('completed').length === 21, 'the silent queue job done once it answers');
    expect(events.of('completed').at(-1)?.job.queue).toBe('silent');
    expect(events.of('error')).toHaveLength(0);
  });

  it('a_queue_whose_reserves_fail_is_set_aside_with_a_backoff_while_the_others_run', async () => {
    const h = harness();
    h.driver.override('reserve', (real, request: never) => {
      const { queue } = request as { queue: string };
      return queue === 'silent' ? Promise.reject(new Error('connect ECONNREFUSED')) : real.reserve(request);
    });
    const { worker, events } = h.worker({ queues, queueOrder: 'weighted', concurrency: 2 });
    const gate = new Gate();
    worker.register('work', () => gate.promise);
    for (let i = 0; i < 4; i++) await h.client.enqueue('work', undefined, { queue: 'healthy' });
    await worker.start();
    await h.until(() => events.of('active').length === 2, 'two healthy jobs running');
    gate.resolve();
    await h.until(() => events.of('completed').length === 4, 'every healthy job done');
    const silentAsks = () => h.driver.calls.filter((call) => call.method === 'reserve' && (call.args[0] as { queue: string }).queue === 'silent').length;
    expect(silentAsks()).toBe(1);
    expect(events.of('error').map((event) => event.during)).toEqual(['reserve']);
    // Asked again only after its backoff (100 ms, then doubling).
    await h.clock.advance(99);
    expect(silentAsks()).toBe(1);
    await h.clock.advance(1);
    await h.until(() => silentAsks() === 2, 'asked again after the backoff');
  });

  it('acks_of_other_queues_settle_while_one_queues_acks_do_not_answer', async () => {
    const h = harness();
    const silence = new Gate<never>();
    const hold = (leases: readonly Lease[]) => leases.some((lease) => lease.queue === 'silent');
    h.driver.override('ackMany', (real, leases: never, now: never) => (hold(leases) ? silence.promise : real.ackMany(leases, now)));
    h.driver.override('ack', (real, lease: never, now: never) => (hold([lease]) ? silence.promise : real.ack(lease, now)));
    const { worker, events } = h.worker({ queues, queueOrder: 'weighted', concurrency: 4 });
    const started = new Gate();
    let running = 0;
    worker.register('work', async () => {
      if (++running === 4) started.resolve();
      await started.promise;
    });
    for (let i = 0; i < 2; i++) {
      await h.client.enqueue('work', undefined, { queue: 'silent' });
      await h.client.enqueue('work', undefined, { queue: 'healthy' });
    }
    await worker.start();
    await h.until(() => events.of('completed').length === 2, 'the healthy acks written');
    expect(events.of('completed').map((event) => event.job.queue)).toEqual(['healthy', 'healthy']);
    expect(h.driver.count('ackMany')).toBe(2);
    silence.reject(new Error('connection lost'));
  });

  it('lease_renewals_of_other_queues_go_on_while_one_queues_renewal_does_not_answer', async () => {
    const h = harness();
    const silence = new Gate<never>();
    h.driver.override('extendLeases', (real, leases: never, leaseMs: never, now: never) =>
      (leases as Lease[]).some((lease) => lease.queue === 'silent') ? silence.promise : real.extendLeases(leases, leaseMs, now),
    );
    const gate = new Gate();
    const { worker, events } = h.worker({ queues, queueOrder: 'weighted', concurrency: 4, leaseMs: 30_000, heartbeatMs: 10_000 });
    worker.register('long', () => gate.promise);
    for (let i = 0; i < 2; i++) {
      await h.client.enqueue('long', undefined, { queue: 'silent' });
      await h.client.enqueue('long', undefined, { queue: 'healthy' });
    }
    await worker.start();
    await h.until(() => events.of('active').length === 4, 'all started');

    await h.clock.advance(50_000);
    const renewals = h.driver.calls.filter((call) => call.method === 'extendLeases').map((call) => (call.args[0] as Lease[])[0]?.queue);
    // One renewal of the silent queue stays out; the healthy one is renewed at every beat.
    expect(renewals.filter((queue) => queue === 'silent')).toHaveLength(1);
    expect(renewals.filter((queue) => queue === 'healthy')).toHaveLength(5);
    const lost = events.of('leaseLost').map((event) => event.job.queue);
    expect(lost).toEqual(['silent', 'silent']);
    gate.resolve();
    silence.reject(new Error('connection lost'));
  });
});

/**
 * A reserve that went late (its queue is skipped until it answers) while an
 * armed round filled every slot: the busy loop then found every queue
 * skipped, and such a round completes without waiting for anything. The
 * loop must not keep sending rounds that ask nothing (found by the
 * PostgreSQL fault runs: a worker spun at 100% CPU, its timers and replies
 * never handled again).
 */
describe('a late reserve outstanding while the worker is busy', () => {
  it('a_round_that_asks_no_queue_leaves_the_busy_loop_waiting_for_a_slot_or_the_late_answer', async () => {
    const h = harness();
    const late = new Gate<never>();
    const armed = new Gate();
    let reserves = 0;
    h.driver.override('reserve', (real, request: never) => {
      reserves++;
      if (reserves === 2) return late.promise; // the round that goes late
      if (reserves === 3) return Promise.resolve({ jobs: [] }); // looks empty: the next round is an armed one
      if (reserves === 4) return armed.promise.then(() => real.reserve(request)); // the armed round, answered in time
      return real.reserve(request);
    });
    // Counts the worker's clock reads: a loop that never yields reads it without end, and is stopped here.
    let reads = 0;
    const { worker, events } = h.worker({
      concurrency: 2,
      clock: {
        now: () => {
          if (++reads > 100_000) void worker.close({ graceMs: 0 });
          return h.clock.now();
        },
        setTimeout: (callback, ms) => h.clock.setTimeout(callback, ms),
        clearTimeout: (handle) => h.clock.clearTimeout(handle),
      },
    });
    const holds = [new Gate(), new Gate(), new Gate(), new Gate()];
    let started = 0;
    worker.register('hold', () => (holds[started++] as Gate).promise);
    try {
      for (let i = 0; i < 4; i++) await h.client.enqueue('hold', undefined);
      await worker.start();
      await h.until(() => events.of('active').length === 2, 'two jobs running');

      holds[0]?.resolve();
      await h.until(() => reserves === 2, 'the round that goes late sent');
      await h.clock.advance(100);
      holds[1]?.resolve();
      await h.until(() => reserves === 4, 'an empty-looking round, then the armed round');
      // The round sent first runs out of patience while the armed round is still within its own.
      await h.clock.advance(ASK_PATIENCE_MS - 100);
      armed.resolve();
      await h.until(() => events.of('active').length === 3, 'the armed round started its job');
      await h.clock.flush();
      expect(reads).toBeLessThan(100_000);
      expect(worker.status).toBe('started');

      // The late reserve fails at last (its connection was lost): the worker asks again and finishes the rest.
      late.reject(new Error('connection lost'));
      for (const hold of holds) hold.resolve();
      await h.until(() => events.of('completed').length === 4, 'every job done');
      expect(events.of('error').map((event) => event.during)).toEqual(['reserve']);
    } finally {
      // Settled already when the test passes; on a failure, they let the worker close.
      late.reject(new Error('connection lost'));
      for (const hold of holds) hold.resolve();
    }
  });
});
