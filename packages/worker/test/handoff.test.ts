import type { ReserveRequest, WaitForWorkRequest, WaitForWorkResult } from '@taskharbor/core';
import type { MemoryDriver } from '@taskharbor/driver-memory';
import { describe, expect, it } from 'vitest';
import { Gate, HOUR, harness } from './support/harness.js';

/** A wait the test ends by hand, with or without a job handed over. */
interface HeldWait {
  request: WaitForWorkRequest;
  end(result?: WaitForWorkResult): void;
}

/** Makes every waitForWork a wait the test ends by hand; the list fills as the worker waits. */
function holdWaits(h: ReturnType<typeof harness>): HeldWait[] {
  const held: HeldWait[] = [];
  h.driver.override('waitForWork', (_real: MemoryDriver, request: WaitForWorkRequest) => {
    return new Promise<WaitForWorkResult | undefined>((resolve) => {
      held.push({ request, end: resolve });
    });
  });
  return held;
}

describe('jobs handed over with a wake-up', () => {
  it('a_handed_job_runs_at_once_without_a_reserve_and_is_acked_under_its_lease', async () => {
    const h = harness();
    // A driver that hands over: when its wake-up comes, it leases one job itself, as Redis's enqueue does.
    h.driver.override('waitForWork', async (real: MemoryDriver, request: WaitForWorkRequest) => {
      await real.waitForWork(request);
      if (request.handoff === undefined || request.signal.aborted) return undefined;
      const { jobs } = await real.reserve({ queue: 'default', limit: 1, leaseMs: request.handoff.leaseMs, now: h.clock.now() });
      return { jobs };
    });
    const { worker, events } = h.worker({ concurrency: 1, leaseMs: 45_000 });
    let reservesAtStart = -1;
    worker.register('work', async () => {
      reservesAtStart = h.driver.count('reserve');
    });
    await worker.start();
    await h.until(() => h.driver.count('waitForWork') === 1, 'idle');
    const request = h.driver.calls.find((call) => call.method === 'waitForWork')?.args[0] as WaitForWorkRequest;
    expect(request.handoff).toEqual({ leaseMs: 45_000 });
    const reservesBefore = h.driver.count('reserve');

    const { id } = await h.client.enqueue('work', 1);
    await h.until(() => events.of('completed').length === 1, 'completed');
    // The worker's own reserves: none between the wake-up and the handler (the driver's own one is not counted).
    expect(reservesAtStart).toBe(reservesBefore);
    expect((await h.memory.inspect({ queue: 'default', id }))?.status).toBe('done');
  });

  it('a_job_handed_over_after_close_began_goes_straight_back_without_running', async () => {
    const h = harness();
    const held = holdWaits(h);
    const { worker } = h.worker({ concurrency: 1 });
    let calls = 0;
    worker.register('work', async () => {
      calls++;
    });
    await worker.start();
    await h.until(() => held.length === 1, 'idle');
    const { id } = await h.client.enqueue('work', 1);
    const lease = await h.reserveRaw();

    const closing = worker.close({ graceMs: 0 });
    const inspected = await h.memory.inspect({ queue: 'default', id });
    held[0]?.end({ jobs: [{ job: { ...(inspected as NonNullable<typeof inspected>), status: 'inflight' }, lease }] });
    await closing;
    expect(calls).toBe(0);
    expect(await h.memory.counts('default')).toMatchObject({ ready: 1, inflight: 0 });
    expect((await h.memory.inspect({ queue: 'default', id }))?.attempts).toBe(0);
  });

  it('a_job_handed_over_to_a_wait_the_worker_left_runs_if_a_slot_is_free_and_else_goes_back', async () => {
    const h = harness();
    const held = holdWaits(h);
    const { worker, events } = h.worker({ concurrency: 1 });
    const gate = new Gate();
    const ran: number[] = [];
    worker.register('work', async (job) => {
      ran.push(job.payload as number);
      await gate.promise;
    });
    await worker.start();
    await h.until(() => held.length === 1, 'idle');
    const first = held[0] as HeldWait;

    // The worker's poll ends the wait; its reserve takes job 1, which holds the only slot.
    await h.client.enqueue('work', 1);
    await h.clock.advance(HOUR);
    await h.until(() => ran.length === 1, 'job 1 running');
    expect(first.request.signal.aborted).toBe(true);

    // A job handed to that left wait finds no free slot: it goes back, unrun, no attempt counted.
    const { id } = await h.client.enqueue('work', 2);
    const lease = await h.reserveRaw();
    const record = await h.memory.inspect({ queue: 'default', id });
    first.end({ jobs: [{ job: { ...(record as NonNullable<typeof record>), status: 'inflight' }, lease }] });
    await h.until(() => h.driver.count('release') === 1, 'given back');
    await h.clock.flush();
    expect(ran).toEqual([1]);
    expect(await h.memory.inspect({ queue: 'default', id })).toMatchObject({ status: 'ready', attempts: 0 });

    gate.resolve();
    await h.until(() => events.of('completed').length === 2, 'both done');
    expect(ran).toEqual([1, 2]);
  });

  it('a_job_handed_over_while_the_idle_looks_reserve_is_out_runs_once_that_reserve_comes_back_empty', async () => {
    const h = harness();
    const held = holdWaits(h);
    // The first round goes out unarmed (a busy worker's); the idle look that follows is armed, and held.
    const gate = new Gate();
    let reserves = 0;
    h.driver.override('reserve', async (real: MemoryDriver, request: ReserveRequest) => {
      reserves++;
      if (reserves >= 2) await gate.promise;
      return real.reserve(request);
    });
    const { worker, events } = h.worker({ concurrency: 1 });
    const ran: number[] = [];
    worker.register('work', async (job) => {
      ran.push(job.payload as number);
    });
    await worker.start();
    // Armed, then the reserve of the idle look went out and holds the only slot booked.
    await h.until(() => held.length === 1 && reserves === 2, 'looking');
    const { id } = await h.client.enqueue('work', 7);
    const { jobs } = await h.memory.reserve({ queue: 'default', limit: 1, leaseMs: 30_000, now: h.clock.now() });
    held[0]?.end({ jobs });
    await h.clock.flush();
    expect(ran).toEqual([]);

    gate.resolve();
    await h.until(() => events.of('completed').length === 1, 'completed');
    expect(ran).toEqual([7]);
    expect(h.driver.count('release')).toBe(0);
    expect((await h.memory.inspect({ queue: 'default', id }))?.status).toBe('done');
  });
});
