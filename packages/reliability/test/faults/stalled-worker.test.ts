/**
 * A stalled event loop: a handler busy-loops for longer than its lease. The
 * other worker takes the job after the lease expires and acks it; the
 * stalled worker's late ack, retry or fail is rejected and changes nothing.
 * Real processes, real time, short leases.
 */
import { Client } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import {
  baseWorkerConfig,
  FaultWorker,
  readStarts,
  SKIP_SHARED,
  sleep,
  TEST_TIMEOUT_MS,
  waitFor,
} from '../support/fault-harness.js';
import { useSharedFaultRedis } from '../support/fault-shared-redis.js';

const LEASE_MS = 300;
const STALL_MS = 1500;
const ROUNDS = 2;
const VARIANTS = ['stall-ack', 'stall-retry', 'stall-fail'] as const;

describe.skipIf(SKIP_SHARED)('stalled event loop (handler blocks longer than its lease)', () => {
  const shared = useSharedFaultRedis('stall');
  const { prefix, startsKey } = shared;

  it(`rejects the stalled worker's late ack, retry and fail (${ROUNDS * VARIANTS.length} jobs, ${LEASE_MS} ms lease, ${STALL_MS} ms stall)`, async () => {
    const { url, redis, driver } = shared;
    const began = Date.now();
    const queue = 'faults';
    const client = new Client(driver);
    const config = baseWorkerConfig({
      url,
      prefix,
      leaseMs: LEASE_MS,
      concurrency: 1,
      stallMs: STALL_MS,
    });
    const workers = [new FaultWorker(config), new FaultWorker(config)];
    await Promise.all(workers.map((worker) => worker.ready));

    const rejectedLate: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (const type of VARIANTS) {
        const { id } = await client.enqueue(type, { round }, { queue, maxAttempts: 5 });
        // Done by the worker that took over, and the stalled one has heard that its lease is gone.
        await waitFor(`job ${id} (${type}) done`, 15_000, async () => (await driver.inspect({ queue, id }))?.status === 'done');
        const stalled = await (async () => {
          let found: FaultWorker | undefined;
          await waitFor(`the stalled worker's leaseLost for ${id}`, 10_000, () => {
            found = workers.find((worker) => worker.events.some((event) => event.event === 'stalling' && event.id === id));
            return found?.events.some((event) => event.event === 'leaseLost' && event.id === id) ?? false;
          });
          if (found === undefined) throw new Error('no stalled worker');
          return found;
        })();
        const other = workers.find((worker) => worker !== stalled);
        // Leave time for anything else the stalled worker might still write.
        await sleep(200);

        const record = await driver.inspect({ queue, id });
        const starts = (await readStarts(redis, startsKey)).filter((start) => start.id === id);
        const stallEvents = stalled.events.filter((event) => event.id === id);
        const lost = stallEvents.find((event) => event.event === 'leaseLost');
        expect(starts.map((start) => start.pid)).toEqual([stalled.pid, other?.pid]);
        expect(starts[1]?.reclaims).toBe(1);
        // The job's final state is the second worker's run: done, its token, no failure recorded.
        expect(record?.status).toBe('done');
        expect(record?.lease?.token).toBe(starts[1]?.token);
        expect(record?.attempts).toBe(0);
        expect(record?.lastError).toBeUndefined();
        expect(record?.dlqReason).toBeUndefined();
        expect(record?.reclaims).toBe(1);
        // The stalled worker wrote no outcome of its own and was told its lease was gone.
        expect(lost?.token).toBe(starts[0]?.token);
        // Rejected by the driver when the late outcome was written (not given up locally first).
        expect(lost?.during).toBe('outcome');
        expect(['LEASE_MISMATCH', 'LEASE_EXPIRED', 'JOB_NOT_IN_FLIGHT']).toContain(lost?.code);
        expect(stallEvents.map((event) => event.event)).not.toContain('completed');
        expect(stallEvents.map((event) => event.event)).not.toContain('retrying');
        expect(stallEvents.map((event) => event.event)).not.toContain('dead');
        expect(stallEvents.map((event) => event.event).slice(0, 2)).toEqual(['stalling', 'stallEnded']);
        rejectedLate.push(`${type}:${lost?.during}:${lost?.code}`);
      }
    }
    const counts = await driver.counts(queue);
    expect(counts).toMatchObject({ ready: 0, scheduled: 0, inflight: 0, done: ROUNDS * VARIANTS.length, dlq: 0 });
    await Promise.all(workers.map((worker) => worker.stop()));
    console.info(`[faults] stalled-worker: jobs=${ROUNDS * VARIANTS.length} runMs=${Date.now() - began} rejectedLateWrites=${rejectedLate.join(',')}`);
  }, TEST_TIMEOUT_MS);
});
