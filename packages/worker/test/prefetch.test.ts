import { type Lease, requireJobControl, ValidationError } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import { Worker } from '../src/index.js';
import { Gate, harness } from './support/harness.js';

describe('prefetch', () => {
  it('jobs_are_reserved_ahead_of_free_slots_but_never_run_beyond_concurrency_and_start_oldest_first', async () => {
    const h = harness();
    const { worker, events } = h.worker({ concurrency: 2, prefetch: 3 });
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const gates: Gate[] = [];
    worker.register('work', async (job) => {
      running++;
      peak = Math.max(peak, running);
      started.push(job.payload as number);
      const gate = new Gate();
      gates.push(gate);
      await gate.promise;
      running--;
    });
    for (let i = 0; i < 12; i++) await h.client.enqueue('work', i);
    await worker.start();
    await h.until(() => running === 2, 'two running');
    for (let i = 0; i < 10; i++) await h.clock.flush();

    // Two run, three more wait here leased: five in flight in the store, seven still ready.
    expect(running).toBe(2);
    expect(await h.memory.counts('default')).toMatchObject({ inflight: 5, ready: 7 });
    expect(worker.activeCount).toBe(5);

    let done = 0;
    while (done < 12) {
      const gate = gates.shift() as Gate;
      gate.resolve();
      done++;
      await h.until(() => events.of('completed').length === done && running === Math.min(2, 12 - done), `${done} done`);
    }
    expect(peak).toBe(2);
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(await h.memory.counts('default')).toMatchObject({ done: 12, inflight: 0, ready: 0 });
  });

  it('a_waiting_job_keeps_its_lease_through_the_heartbeat_while_a_long_handler_runs', async () => {
    const h = harness();
    const { worker, events } = h.worker({ concurrency: 1, prefetch: 2, leaseMs: 30_000, heartbeatMs: 10_000 });
    const gate = new Gate();
    let calls = 0;
    worker.register('work', async () => {
      calls++;
      if (calls === 1) await gate.promise;
    });
    for (let i = 0; i < 3; i++) await h.client.enqueue('work', i);
    await worker.start();
    await h.until(() => calls === 1, 'first running');
    await h.until(() => h.driver.count('reserve') >= 1, 'reserved');

    // Five lease lengths pass while the first handler runs; the two waiting jobs stay ours.
    for (let i = 0; i < 15; i++) await h.clock.advance(10_000);
    const other = await h.memory.reserve({ queue: 'default', limit: 10, leaseMs: 30_000, now: h.clock.now() });
    expect(other.jobs).toHaveLength(0);
    expect(events.of('leaseLost')).toHaveLength(0);

    gate.resolve();
    await h.until(() => events.of('completed').length === 3, 'all done');
    expect(calls).toBe(3);
    const records = await Promise.all(events.of('completed').map(({ job }) => h.memory.inspect({ queue: 'default', id: job.id })));
    for (const record of records) expect(record).toMatchObject({ status: 'done', reclaims: 0 });
  });

  it('a_waiting_job_that_is_cancelled_ends_cancelled_without_its_handler_being_called', async () => {
    const h = harness();
    const control = requireJobControl(h.memory, 'test');
    const { worker, events } = h.worker({ concurrency: 1, prefetch: 1 });
    const gate = new Gate();
    const ran: string[] = [];
    worker.register('work', async (job) => {
      ran.push(job.id);
      if (ran.length === 1) await gate.promise;
    });
    const first = await h.client.enqueue('work', 1);
    const second = await h.client.enqueue('work', 2);
    await worker.start();
    await h.until(() => ran.length === 1, 'first running');
    expect(await h.memory.counts('default')).toMatchObject({ inflight: 2 });

    expect(await control.cancel({ queue: 'default', id: second.id }, { now: h.clock.now() })).toEqual({ status: 'cancelling' });
    gate.resolve();
    await h.until(() => events.of('cancelled').length === 1 && events.of('completed').length === 1, 'both ended');

    expect(ran).toEqual([first.id]);
    expect(events.of('cancelled')[0]?.job.id).toBe(second.id);
    expect((await h.memory.inspect({ queue: 'default', id: second.id }))?.status).toBe('cancelled');
    expect(events.of('failed')).toHaveLength(0);
  });

  it('close_gives_waiting_jobs_back_at_once_while_the_running_one_finishes_within_the_grace', async () => {
    const h = harness();
    const { worker, events } = h.worker({ concurrency: 1, prefetch: 4, shutdownGraceMs: 60_000 });
    const gate = new Gate();
    let calls = 0;
    worker.register('work', async () => {
      calls++;
      await gate.promise;
    });
    for (let i = 0; i < 5; i++) await h.client.enqueue('work', i);
    await worker.start();
    await h.until(() => calls === 1, 'first running');
    expect(await h.memory.counts('default')).toMatchObject({ inflight: 5, ready: 0 });

    const closed = worker.close();
    // Before the running handler ends, the four that waited are back in the queue, no attempt counted.
    await h.until(() => h.driver.count('release') === 4, 'four released');
    await h.clock.flush();
    expect(await h.memory.counts('default')).toMatchObject({ inflight: 1, ready: 4 });
    const ready = await h.memory.list({ queue: 'default', status: 'ready', limit: 10 });
    for (const record of ready.jobs) expect(record.attempts).toBe(0);

    gate.resolve();
    await closed;
    expect(calls).toBe(1);
    expect(events.of('completed')).toHaveLength(1);
    expect(await h.memory.counts('default')).toMatchObject({ done: 1, inflight: 0, ready: 4 });
  });

  it('at_concurrency_1_the_acks_that_come_while_one_is_out_go_together_in_the_next_call', async () => {
    const h = harness();
    const firstAck = new Gate();
    let acks = 0;
    h.driver.override('ack', async (real, lease: Lease, now: number) => {
      acks++;
      if (acks === 1) await firstAck.promise;
      return real.ack(lease, now);
    });
    const { worker, events } = h.worker({ concurrency: 1, prefetch: 10 });
    let ran = 0;
    worker.register('work', () => {
      ran++;
    });
    for (let i = 0; i < 8; i++) await h.client.enqueue('work', i);
    await worker.start();
    // The first job's ack is held open; the other seven run meanwhile, one at a time.
    await h.until(() => ran === 8, 'all ran');
    expect(h.driver.count('ackMany')).toBe(0);
    firstAck.resolve();
    await h.until(() => events.of('completed').length === 8, 'all acked');

    // One call out at a time: the seven acks that came while the first was out went as one.
    const batches = h.driver.calls.filter((call) => call.method === 'ackMany').map((call) => (call.args[0] as Lease[]).length);
    expect(h.driver.count('ack')).toBe(1);
    expect(batches).toEqual([7]);
  });

  it('prefetch_zero_reserves_only_for_free_slots', async () => {
    const h = harness();
    const { worker } = h.worker({ concurrency: 2 });
    const gate = new Gate();
    let calls = 0;
    worker.register('work', async () => {
      calls++;
      await gate.promise;
    });
    for (let i = 0; i < 6; i++) await h.client.enqueue('work', i);
    await worker.start();
    await h.until(() => calls === 2, 'two running');
    for (let i = 0; i < 10; i++) await h.clock.flush();
    expect(await h.memory.counts('default')).toMatchObject({ inflight: 2, ready: 4 });
    gate.resolve();
  });

  it('a_bad_prefetch_is_a_ValidationError', () => {
    const h = harness();
    for (const prefetch of [-1, 1.5, Number.NaN, 20_000]) {
      expect(() => new Worker(h.driver, { prefetch, concurrency: 1 })).toThrow(ValidationError);
    }
    expect(() => new Worker(h.driver, { prefetch: 5_000, concurrency: 5_001 })).toThrow(/concurrency \+ prefetch/);
  });
});
