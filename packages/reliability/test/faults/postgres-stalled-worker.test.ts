/**
 * A stalled event loop on PostgreSQL: a handler busy-loops for longer than
 * its lease. The other worker takes the job after the lease expires and
 * acks it; the stalled worker's late ack, retry or fail is rejected by the
 * lease check in the SQL and changes nothing. Real processes, real time,
 * short leases.
 */
import { Client, type JobRecord } from '@taskharbor/core';
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { FaultWorker, LARGE, sleep, TEST_TIMEOUT_MS, waitFor } from '../support/fault-harness.js';
import { useSharedFaultPostgres } from '../support/fault-shared-postgres.js';
import { SKIP_POSTGRES } from '../support/postgres-env.js';

const LEASE_MS = 300;
const STALL_MS = 1500;
const ROUNDS = LARGE ? 4 : 1;
const VARIANTS = ['stall-ack', 'stall-retry', 'stall-fail'] as const;

/** The job's row as text, every column: a late write that changed anything shows up here. */
async function rowText(pool: pg.Pool, schema: string, queue: string, id: string): Promise<string> {
  const { rows } = await pool.query<{ row: string }>(`SELECT t::text AS row FROM "${schema}".jobs t WHERE queue = $1 AND id = $2`, [queue, id]);
  return rows[0]?.row ?? '(none)';
}

describe.skipIf(SKIP_POSTGRES)('PostgreSQL: stalled event loop (handler blocks longer than its lease)', () => {
  const shared = useSharedFaultPostgres('stall');

  it(`rejects the stalled worker's late ack, retry and fail (${ROUNDS * VARIANTS.length} jobs, ${LEASE_MS} ms lease, ${STALL_MS} ms stall)`, async () => {
    const { driver, pool, schema } = shared;
    const began = Date.now();
    const queue = 'faults';
    const client = new Client(driver);
    const config = shared.workerConfig({ leaseMs: LEASE_MS, concurrency: 1, stallMs: STALL_MS });
    const workers = [new FaultWorker(config), new FaultWorker(config)];
    await Promise.all(workers.map((worker) => worker.ready));

    const rejectedLate: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (const type of VARIANTS) {
        const { id } = await client.enqueue(type, { round }, { queue, maxAttempts: 5 });
        // Done by the worker that took over: its row as it was then.
        let doneRow = '';
        await waitFor(`job ${id} (${type}) done`, 15_000, async () => {
          if ((await driver.inspect({ queue, id }))?.status !== 'done') return false;
          doneRow = await rowText(pool, schema, queue, id);
          return true;
        });
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

        const record = (await driver.inspect({ queue, id })) as JobRecord;
        const starts = workers.flatMap((worker) => worker.starts).filter((start) => start.id === id).sort((a, b) => a.at - b.at);
        // Its events after the start line (the start log shares stdout).
        const stallEvents = stalled.events.filter((event) => event.id === id && event.event !== 'start');
        const lost = stallEvents.find((event) => event.event === 'leaseLost');
        expect(starts.map((start) => start.pid)).toEqual([stalled.pid, other?.pid]);
        expect(starts[1]?.reclaims).toBe(1);
        // The job's final state is the second worker's run: done, its token, no failure recorded.
        expect(record.status).toBe('done');
        expect(record.lease?.token).toBe(starts[1]?.token);
        expect(record.attempts).toBe(0);
        expect(record.lastError).toBeUndefined();
        expect(record.dlqReason).toBeUndefined();
        expect(record.reclaims).toBe(1);
        // The late writer changed nothing in the row, not even a column the record leaves out.
        expect(await rowText(pool, schema, queue, id)).toBe(doneRow);
        // The stalled worker wrote no outcome of its own and was told its lease was gone, by the driver.
        expect(lost?.token).toBe(starts[0]?.token);
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
    console.info(
      `[faults] postgres-stalled-worker: jobs=${ROUNDS * VARIANTS.length} runMs=${Date.now() - began} rejectedLateWrites=${rejectedLate.join(',')}`,
    );
  }, TEST_TIMEOUT_MS);
});
