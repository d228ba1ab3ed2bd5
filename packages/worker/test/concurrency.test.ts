import { describe, expect, it } from 'vitest';
import { ErrorCode, type JobMap, type Lease } from '@taskharbor/core';
import type { MemoryDriver } from '@taskharbor/driver-memory';
import { START_CHUNK } from '../src/job-loop.js';
import { Gate, type Harness, harness } from './support/harness.js';

describe('concurrency', () => {
  it('running_handlers_never_exceed_concurrency_and_reach_it', async () => {
    const h = harness();
    const { worker, events } = h.worker({ concurrency: 4 });
    let running = 0;
    let peak = 0;
    const gates: Gate[] = [];
    worker.register('work', async () => {
      running++;
      peak = Math.max(peak, running);
      const gate = new Gate();
      gates.push(gate);
      await gate.promise;
      running--;
    });
    for (let i = 0; i < 20; i++) await h.client.enqueue('work', undefined);
    await worker.start();
    await h.until(() => running === 4, 'four running');
    for (let i = 0; i < 10; i++) await h.clock.flush();
    expect(running).toBe(4);

    // Free the slots one and two at a time; each is refilled, never overfilled.
    let done = 0;
    while (done < 20) {
      const open = gates.splice(0, 2);
      for (const gate of open) gate.resolve();
      done += open.length;
      await h.until(
        () => events.of('completed').length === done && running === Math.min(4, 20 - done),
        `${done} done and the slots refilled`,
      );
    }
    expect(peak).toBe(4);
    expect(worker.activeCount).toBe(0);
  });

  it('free_slots_are_filled_with_one_batched_reserve', async () => {
    const h = harness();
    const gate = new Gate();
    const { worker, events } = h.worker({ concurrency: 8 });
    worker.register('work', () => gate.promise);
    for (let i = 0; i < 20; i++) await h.client.enqueue('work', undefined);
    await worker.start();
    await h.until(() => events.of('active').length === 8, 'eight running');

    const reserves = h.driver.calls.filter((call) => call.method === 'reserve');
    expect(reserves).toHaveLength(1);
    expect(reserves[0]?.args[0]).toMatchObject({ limit: 8 });
    gate.resolve();
    await h.until(() => events.of('completed').length === 20, 'all done');
    // 8, then whole refills as batches finish, then one empty look: far fewer calls than jobs.
    expect(h.driver.count('reserve')).toBeLessThan(20);
  });

  /**
   * 120 jobs handed out in one reply to a worker at concurrency 200: what the
   * driver had been asked (reserves, acks) when each job started, in start order.
   */
  async function startsOfOneLargeReply(h: Harness<JobMap>) {
    const { worker, events } = h.worker({ concurrency: 200 });
    const seen: { reserves: number; acks: number }[] = [];
    worker.register('work', () => {
      seen.push({ reserves: h.driver.count('reserve'), acks: h.driver.count('ack') + h.driver.count('ackMany') });
    });
    for (let i = 0; i < 120; i++) await h.client.enqueue('work', undefined);
    await worker.start();
    await h.until(() => events.of('completed').length === 120, 'all done');
    return { seen, events };
  }

  it('a_large_reply_starts_in_parts_and_the_first_part_acks_and_reserves_before_the_rest_starts', async () => {
    const h = harness();
    const { seen, events } = await startsOfOneLargeReply(h);

    const ids = events.of('active').map((entry) => entry.job.id);
    expect(new Set(ids).size).toBe(120);
    expect(h.driver.calls.find((call) => call.method === 'reserve')?.args[0]).toMatchObject({ limit: 200 });
    // One reply of 120, started START_CHUNK at a time: the first part before any ack or second
    // reserve, the next part only after the first part's acks and the reserve for its freed slots.
    expect(START_CHUNK * 2).toBeLessThan(120);
    expect(seen.slice(0, START_CHUNK).every((s) => s.reserves === 1 && s.acks === 0)).toBe(true);
    expect(seen[START_CHUNK]?.reserves).toBeGreaterThanOrEqual(2);
    expect(seen[START_CHUNK]?.acks).toBeGreaterThanOrEqual(1);
    expect(seen[START_CHUNK * 2]?.acks).toBeGreaterThanOrEqual(2);
  });

  it('a_driver_declared_batch_size_sets_the_parts_a_reply_starts_in', async () => {
    const h = harness();
    (h.memory as { batchSize?: number }).batchSize = 50;
    const { seen } = await startsOfOneLargeReply(h);

    // The first 50 start before any ack or second reserve (25 would be the default part).
    expect(seen.slice(0, 50).every((s) => s.reserves === 1 && s.acks === 0)).toBe(true);
    expect(seen[50]?.reserves).toBeGreaterThanOrEqual(2);
    expect(seen[50]?.acks).toBeGreaterThanOrEqual(1);
    const batches = h.driver.calls.filter((call) => call.method === 'ackMany').map((call) => (call.args[0] as Lease[]).length);
    expect(batches[0]).toBe(50);
  });

  it('a_driver_batch_size_that_is_not_a_positive_integer_is_a_validation_error', () => {
    for (const bad of [0, -1, 2.5, Number.NaN]) {
      const h = harness();
      (h.memory as { batchSize?: number }).batchSize = bad;
      expect(() => h.worker()).toThrow(expect.objectContaining({ code: ErrorCode.Validation, field: 'batchSize' }));
    }
  });

  it('concurrency_limit_is_shared_across_all_queues', async () => {
    const h = harness();
    const gate = new Gate();
    const { worker, events } = h.worker({ concurrency: 3, queues: ['a', 'b'] });
    worker.register('work', () => gate.promise);
    for (let i = 0; i < 2; i++) await h.client.enqueue('work', undefined, { queue: 'a' });
    for (let i = 0; i < 5; i++) await h.client.enqueue('work', undefined, { queue: 'b' });
    await worker.start();
    await h.until(() => events.of('active').length === 3, 'three running');
    for (let i = 0; i < 10; i++) await h.clock.flush();
    expect(events.of('active').map((e) => e.job.queue)).toEqual(['a', 'a', 'b']);
    gate.resolve();
  });

  it('a_freed_slot_takes_the_next_job_while_the_last_ack_is_in_flight_up_to_concurrency_writes', async () => {
    const h = harness();
    const acks = new Gate();
    h.driver.override('ack', async (real, lease: Lease, now: number) => {
      await acks.promise;
      return real.ack(lease, now);
    });
    h.driver.override('ackMany', async (real, leases: Lease[], now: number) => {
      await acks.promise;
      return real.ackMany(leases, now);
    });
    const { worker, events } = h.worker({ concurrency: 2 });
    let running = 0;
    let peak = 0;
    worker.register('work', async () => {
      running++;
      peak = Math.max(peak, running);
      await Promise.resolve();
      running--;
    });
    for (let i = 0; i < 10; i++) await h.client.enqueue('work', undefined);
    await worker.start();
    // Two ran and their acks hang; their slots took two more, whose acks hang too: then reserving stops.
    await h.until(() => events.of('active').length === 4, 'four started');
    for (let i = 0; i < 10; i++) await h.clock.flush();
    expect(events.of('active')).toHaveLength(4);
    expect(events.of('completed')).toHaveLength(0);
    expect(worker.activeCount).toBe(4);
    expect(await h.memory.counts('default')).toMatchObject({ inflight: 4, ready: 6 });

    acks.resolve();
    await h.until(() => events.of('completed').length === 10, 'all done');
    expect(peak).toBeLessThanOrEqual(2);
    expect(worker.activeCount).toBe(0);
  });

  it('a_busy_worker_sends_its_next_round_while_the_last_is_still_on_its_way', async () => {
    const h = harness();
    const held: Gate[] = [];
    let inFlight = 0;
    let peakInFlight = 0;
    h.driver.override('reserve', async (real, request: Parameters<MemoryDriver['reserve']>[0]) => {
      inFlight++;
      peakInFlight = Math.max(peakInFlight, inFlight);
      // The first round answers at once; the next two wait until the test lets them go.
      const call = h.driver.count('reserve');
      if (call === 2 || call === 3) {
        const gate = new Gate();
        held.push(gate);
        await gate.promise;
      }
      try {
        return await real.reserve(request);
      } finally {
        inFlight--;
      }
    });
    const { worker, events } = h.worker({ concurrency: 2 });
    const handlers: Gate[] = [];
    worker.register('work', () => {
      const gate = new Gate();
      handlers.push(gate);
      return gate.promise;
    });
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await h.client.enqueue('work', undefined)).id);
    await worker.start();
    await h.until(() => events.of('active').length === 2, 'two running');

    // Each freed slot sends a round at once, though the round before it has not answered.
    handlers[0]?.resolve();
    await h.until(() => held.length === 1, 'a second round on its way');
    handlers[1]?.resolve();
    await h.until(() => held.length === 2, 'a third round on its way');
    expect(peakInFlight).toBe(2);
    for (const gate of held) gate.resolve();
    await h.until(() => events.of('active').length === 4, 'all four started');
    expect(events.of('active').map((e) => e.job.id)).toEqual(ids);
    for (const gate of handlers) gate.resolve();
    await h.until(() => events.of('completed').length === 4, 'all done');
  });
});
