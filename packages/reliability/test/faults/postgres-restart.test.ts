/**
 * PostgreSQL restart: the server behind DATABASE_URL is restarted once
 * (`pg_ctlcluster … restart`, fast mode) while three workers run and a
 * producer keeps enqueueing with its own ids. Workers and the test's driver
 * reconnect by themselves. Every enqueue PostgreSQL acknowledged must
 * survive and be done at the end; no job may run again after its ack.
 *
 * The restart ends every session on the server, other users' included, so
 * the file runs alone after every other file of the package (the
 * `postgres-restart` project in vitest.config.ts), restarts once, and is
 * kept short. Where the server cannot be restarted from here (no
 * postgresql-common tools, a server on another host, not root or the
 * cluster's owner) the test skips with a notice, or fails with
 * TASKHARBOR_REQUIRE_POSTGRES=1; TASKHARBOR_SKIP_POSTGRES_RESTART=1 leaves it
 * out explicitly. The server is left running even when the test fails.
 */
import { Client } from '@taskharbor/core';
import { afterAll, describe, expect, it } from 'vitest';
import { checkDeliveries, FaultWorker, inspectAll, LARGE, sleep, TEST_TIMEOUT_MS, waitFor } from '../support/fault-harness.js';
import { ensureUp, lookUpCluster, restartCluster, restartPlan, restartWanted, serverStartTime } from '../support/fault-postgres-server.js';
import { useSharedFaultPostgres } from '../support/fault-shared-postgres.js';

const INITIAL = LARGE ? 10_000 : 600;
const PRODUCED = LARGE ? 2_000 : 200;
const lookup = restartWanted() ? await lookUpCluster() : undefined;
const plan = restartPlan(process.env, lookup);
if (plan.notice !== undefined) console.warn(`[reliability] ${plan.notice}`);

describe.skipIf(plan.skip)('PostgreSQL restart (pg_ctlcluster restart of the server behind DATABASE_URL)', () => {
  const shared = useSharedFaultPostgres('restart');
  // Registered after the shared set-up, so it runs before the schema is dropped.
  afterAll(async () => {
    if (lookup?.ok) await ensureUp(lookup.cluster);
  });

  it(`${INITIAL}+${PRODUCED} jobs, one server restart: nothing acknowledged is lost, nothing runs after its ack`, async () => {
    if (plan.failure !== undefined || lookup?.ok !== true) throw new Error(plan.failure);
    const { cluster } = lookup;
    const { driver, pool } = shared;
    const began = Date.now();
    const queue = 'faults';
    const client = new Client(driver);
    const acknowledged: string[] = [];
    const unknown: string[] = [];
    const enqueueBatch = async (from: number, count: number): Promise<void> => {
      const entries = Array.from({ length: count }, (_, j) => ({
        type: 'work',
        payload: { n: from + j },
        options: { queue, jobId: `job-${from + j}` },
      }));
      try {
        await client.enqueueMany(entries);
        for (const entry of entries) acknowledged.push(entry.options.jobId);
      } catch {
        // Outcome unknown (the server went away): may or may not be stored.
        for (const entry of entries) unknown.push(entry.options.jobId);
      }
    };
    for (let i = 0; i < INITIAL; i += 500) await enqueueBatch(i, Math.min(500, INITIAL - i));
    expect(unknown).toEqual([]);

    const config = shared.workerConfig({ leaseMs: 1000, concurrency: 4, workMinMs: 20, workMaxMs: 40 });
    const workers = Array.from({ length: 3 }, () => new FaultWorker(config));
    await Promise.all(workers.map((worker) => worker.ready));

    // The producer: 5 jobs every 50 ms, until the restart has happened and at least PRODUCED were sent.
    let produced = 0;
    let restarted = false;
    let producing = true;
    let stopProducing = false;
    const producer = (async () => {
      while (!stopProducing && (!restarted || produced < PRODUCED)) {
        await enqueueBatch(INITIAL + produced, 5);
        produced += 5;
        await sleep(50);
      }
      producing = false;
    })();

    const startedBefore = await serverStartTime(pool);
    let restartMs = 0;
    let startedAfter = '';
    try {
      await waitFor(
        'the run to finish',
        LARGE ? 600_000 : 90_000,
        async () => {
          let counts: Awaited<ReturnType<typeof driver.counts>>;
          try {
            counts = await driver.counts(queue);
          } catch {
            return false; // the server is restarting
          }
          if (!restarted && counts.done >= INITIAL / 2) {
            const restartBegan = Date.now();
            await restartCluster(cluster);
            restartMs = Date.now() - restartBegan;
            restarted = true;
            // The pool's connections were cut; a read on one not yet found dead fails, so read until one answers.
            await waitFor('the server to answer', 10_000, async () => {
              startedAfter = await serverStartTime(pool).catch(() => '');
              return startedAfter !== '';
            });
            return false;
          }
          return restarted && !producing && counts.ready + counts.scheduled + counts.inflight === 0 && counts.done >= acknowledged.length;
        },
        50,
      );
    } finally {
      // Whatever happened above, the server is running again before anything else, and the producer stops.
      stopProducing = true;
      await ensureUp(cluster);
    }
    await producer;
    const runMs = Date.now() - began;
    const recovered = workers.every((worker) => worker.alive);
    await Promise.all(workers.map((worker) => worker.stop()));
    await Promise.all(workers.map((worker) => worker.drained));

    const records = await inspectAll(driver, queue, acknowledged);
    const starts = workers.flatMap((worker) => worker.starts).sort((a, b) => a.at - b.at);
    // Repeats are expected (acks cut by the restart, redone after the lease), so every pid counts as explained; loss and order are checked.
    const report = checkDeliveries(acknowledged, records, starts, new Set(workers.map((worker) => worker.pid)));
    const events = workers.flatMap((worker) => worker.events);
    const errors = events.filter((event) => event.event === 'error');
    const result = {
      acknowledged: acknowledged.length,
      unknown: unknown.length,
      lostAcknowledged: report.lost.length,
      notDone: report.notDone.length,
      restartMs,
      runMs,
      starts: starts.length,
      extraStarts: report.extraStarts,
      reclaimed: [...records.values()].filter((record) => (record?.reclaims ?? 0) > 0).length,
      outcomeUnknown: errors.filter((event) => event.code === 'OUTCOME_UNKNOWN').length,
      otherErrors: errors.filter((event) => event.code !== 'OUTCOME_UNKNOWN').length,
      ackWithoutStart: report.ackWithoutStart.length,
      startAfterAck: report.startAfterAck.length,
    };
    console.info(`[faults] postgres-restart: ${JSON.stringify(result)}`);
    expect(startedAfter).not.toBe('');
    expect(startedAfter, 'the server behind DATABASE_URL was restarted').not.toBe(startedBefore);
    expect(recovered, 'the workers carried on without being restarted').toBe(true);
    expect(report.lost).toEqual([]);
    expect(report.notDone).toEqual([]);
    // Starts of jobs whose enqueue had an unknown outcome are fine; starts of jobs never sent are not.
    const sent = new Set([...acknowledged, ...unknown]);
    expect(starts.filter((start) => !sent.has(start.id))).toEqual([]);
    expect(report.ackWithoutStart).toEqual([]);
    expect(report.startAfterAck).toEqual([]);
  }, TEST_TIMEOUT_MS);
});
