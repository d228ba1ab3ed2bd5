/**
 * Killed workers on PostgreSQL: worker processes on the Postgres driver work
 * through the jobs while the test SIGKILLs random ones and starts
 * replacements. Nothing may be lost or left behind, and the only repeated
 * runs are those of killed processes.
 */
import { Client } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import { checkDeliveries, FaultWorker, inspectAll, LARGE, TEST_TIMEOUT_MS, waitFor } from '../support/fault-harness.js';
import { useSharedFaultPostgres } from '../support/fault-shared-postgres.js';
import { SKIP_POSTGRES } from '../support/postgres-env.js';

const JOBS = LARGE ? 20_000 : 1_000;
const WORKERS = 3;
const KILLS = LARGE ? 30 : 4;
/** As in the Redis kill test: short, so reclaimed jobs come back quickly, with room for three heartbeats on a busy machine. */
const LEASE_MS = 1500;

describe.skipIf(SKIP_POSTGRES)('PostgreSQL: killed workers (SIGKILL mid-run, replacements started)', () => {
  const shared = useSharedFaultPostgres('kill');

  it(`runs ${JOBS} jobs on ${WORKERS} workers through ${KILLS} kills (${LEASE_MS} ms lease): none lost, repeats only by killed workers`, async () => {
    const { driver } = shared;
    const began = Date.now();
    const queue = 'faults';
    const client = new Client(driver);
    const ids: string[] = [];
    for (let i = 0; i < JOBS; i += 500) {
      const batch = Array.from({ length: Math.min(500, JOBS - i) }, (_, j) => ({
        type: 'work',
        payload: { n: i + j },
        options: { queue },
      }));
      for (const result of await client.enqueueMany(batch)) ids.push(result.id);
    }
    expect(new Set(ids).size).toBe(JOBS);

    const config = shared.workerConfig({ leaseMs: LEASE_MS, concurrency: 4, workMinMs: 20, workMaxMs: 40 });
    const workers = Array.from({ length: WORKERS }, () => new FaultWorker(config));
    const everyWorker = [...workers];
    await Promise.all(workers.map((worker) => worker.ready));

    const killed = new Set<number>();
    // Kill at evenly spaced points of progress, so the fault count does not depend on the machine's speed.
    const killAt = Array.from({ length: KILLS }, (_, k) => Math.floor(((k + 1) * JOBS) / (KILLS + 2)));
    await waitFor(
      'every job done',
      LARGE ? 600_000 : 90_000,
      async () => {
        const counts = await driver.counts(queue);
        while (killAt.length > 0 && counts.done >= (killAt[0] ?? Number.POSITIVE_INFINITY)) {
          killAt.shift();
          const candidates = workers.filter((worker) => worker.alive);
          const victim = candidates[Math.floor(Math.random() * candidates.length)];
          if (victim === undefined) break;
          killed.add(victim.pid);
          await victim.kill();
          const replacement = new FaultWorker(config);
          workers.splice(workers.indexOf(victim), 1, replacement);
          everyWorker.push(replacement);
        }
        return counts.done === JOBS;
      },
      50,
    );
    const runMs = Date.now() - began;
    await Promise.all(workers.map((worker) => worker.stop()));
    await Promise.all(everyWorker.map((worker) => worker.drained));

    const counts = await driver.counts(queue);
    expect(counts).toMatchObject({ ready: 0, scheduled: 0, inflight: 0, done: JOBS, dlq: 0 });
    const records = await inspectAll(driver, queue, ids);
    const starts = everyWorker.flatMap((worker) => worker.starts).sort((a, b) => a.at - b.at);
    const report = checkDeliveries(ids, records, starts, killed);
    const reclaimed = [...records.values()].filter((record) => (record?.reclaims ?? 0) > 0).length;
    console.info(
      `[faults] postgres-killed-workers: jobs=${JOBS} workers=${WORKERS} kills=${killed.size} runMs=${runMs} ` +
        `starts=${starts.length} duplicatedJobs=${report.duplicated} extraStarts=${report.extraStarts} reclaimedJobs=${reclaimed} ` +
        `lost=${report.lost.length} notDone=${report.notDone.length} unexplainedRepeats=${report.unexplainedRepeats.length}`,
    );
    expect(killed.size).toBe(KILLS);
    expect(report.lost).toEqual([]);
    expect(report.notDone).toEqual([]);
    expect(report.unknownStarts).toBe(0);
    expect(report.ackWithoutStart).toEqual([]);
    expect(report.startAfterAck).toEqual([]);
    expect(report.unexplainedRepeats).toEqual([]);
  }, TEST_TIMEOUT_MS);
});
