/**
 * Terminated connections on PostgreSQL: the test kills the workers' backends
 * with pg_terminate_backend, choosing them from pg_stat_activity by the
 * exact application_name the workers connect with: their pool connections
 * and each one's LISTEN connection. No other backend is touched.
 *
 * Every job fails on attempt 1 and succeeds on attempt 2, so a retry that
 * was written twice would leave attempts = 2: attempts must be exactly 1.
 * Before each round every worker must be listening again, and at the end
 * idle workers (polling only every 60 s) must be woken by a notice on their
 * re-established listening connections.
 */
import { Client } from '@taskharbor/core';
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { FaultWorker, inspectAll, LARGE, sleep, TEST_TIMEOUT_MS, waitFor } from '../support/fault-harness.js';
import { useSharedFaultPostgres } from '../support/fault-shared-postgres.js';
import { SKIP_POSTGRES } from '../support/postgres-env.js';

const JOBS = LARGE ? 10_000 : 600;
const LATE_JOBS = 30;
const WORKERS = 3;
const KILL_ROUNDS = LARGE ? 20 : 4;
/** Far longer than the wait for the late jobs: an idle worker is woken by a notice or not at all. */
const POLL_MS = 60_000;

/** The backend pids of the workers' listening connections. */
async function listeningPids(pool: pg.Pool, appName: string): Promise<number[]> {
  const { rows } = await pool.query<{ pid: number }>(
    "SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND query LIKE 'LISTEN %'",
    [appName],
  );
  return rows.map((row) => row.pid);
}

/** pg_terminate_backend for every backend whose application_name is exactly `appName`. */
async function terminateBackends(pool: pg.Pool, appName: string): Promise<{ backends: number; listeners: number }> {
  const { rows } = await pool.query<{ listening: boolean; terminated: boolean }>(
    "SELECT query LIKE 'LISTEN %' AS listening, pg_terminate_backend(pid) AS terminated FROM pg_stat_activity WHERE application_name = $1",
    [appName],
  );
  const terminated = rows.filter((row) => row.terminated);
  return { backends: terminated.length, listeners: terminated.filter((row) => row.listening).length };
}

describe.skipIf(SKIP_POSTGRES)('PostgreSQL: terminated connections (pg_terminate_backend of the workers backends)', () => {
  const shared = useSharedFaultPostgres('term');

  it(`runs ${JOBS} jobs (each retried once) through ${KILL_ROUNDS} rounds of pg_terminate_backend: none lost, no outcome written twice, listeners back`, async () => {
    const { driver, pool, workerAppName } = shared;
    const began = Date.now();
    const queue = 'faults';
    const client = new Client(driver);
    const ids: string[] = [];
    const enqueue = async (count: number): Promise<void> => {
      for (let i = 0; i < count; i += 500) {
        const batch = Array.from({ length: Math.min(500, count - i) }, (_, j) => ({
          type: 'work',
          payload: { n: ids.length + j },
          options: { queue, maxAttempts: 10 },
        }));
        for (const result of await client.enqueueMany(batch)) ids.push(result.id);
      }
    };
    await enqueue(JOBS);

    const config = shared.workerConfig({ leaseMs: 1000, concurrency: 4, workMinMs: 10, workMaxMs: 25, failFirstAttempt: true, pollIntervalMs: POLL_MS });
    const workers = Array.from({ length: WORKERS }, () => new FaultWorker(config));
    await Promise.all(workers.map((worker) => worker.ready));

    const killAt = Array.from({ length: KILL_ROUNDS }, (_, k) => Math.floor(((k + 1) * JOBS) / (KILL_ROUNDS + 2)));
    const rounds: { backends: number; listeners: number }[] = [];
    const terminatedListeners = new Set<number>();
    const listenersBack = async (what: string): Promise<void> => {
      try {
        await waitFor(`every worker listening again (${what})`, 10_000, async () => {
          const pids = await listeningPids(pool, workerAppName);
          return pids.length === WORKERS && pids.every((pid) => !terminatedListeners.has(pid));
        });
      } catch (error) {
        // What the workers and their backends looked like, for the failure report.
        const { rows } = await pool.query(
          'SELECT pid, state, wait_event_type, wait_event, backend_start::text, left(query, 60) AS query FROM pg_stat_activity WHERE application_name = $1',
          [workerAppName],
        );
        const seen = workers.map((worker) => ({
          pid: worker.pid,
          alive: worker.alive,
          errors: worker.events.filter((event) => event.event === 'error' || event.event === 'fatal').slice(-5),
          starts: worker.starts.length,
          last: worker.events.slice(-4),
          stderr: worker.errorOutput.slice(-500),
        }));
        throw new Error(`${(error as Error).message}; backends ${JSON.stringify(rows)}; workers ${JSON.stringify(seen)}`);
      }
    };
    await waitFor(
      'every job done',
      LARGE ? 600_000 : 90_000,
      async () => {
        const counts = await driver.counts(queue);
        if (killAt.length > 0 && counts.done >= (killAt[0] ?? Number.POSITIVE_INFINITY)) {
          killAt.shift();
          await listenersBack(`before round ${rounds.length + 1}`);
          for (const pid of await listeningPids(pool, workerAppName)) terminatedListeners.add(pid);
          rounds.push(await terminateBackends(pool, workerAppName));
        }
        return counts.done === JOBS;
      },
      50,
    );
    const runMs = Date.now() - began;
    await listenersBack('after the last round');

    // The workers are idle now; only a notice on a listening connection can wake them within the wait.
    await sleep(500);
    const lateFrom = ids.length;
    await enqueue(LATE_JOBS);
    const lateBegan = Date.now();
    await waitFor('the late jobs done', 15_000, async () => (await driver.counts(queue)).done === JOBS + LATE_JOBS);
    const lateMs = Date.now() - lateBegan;
    expect(workers.every((worker) => worker.alive)).toBe(true);
    await Promise.all(workers.map((worker) => worker.stop()));
    await Promise.all(workers.map((worker) => worker.drained));

    const counts = await driver.counts(queue);
    expect(counts).toMatchObject({ ready: 0, scheduled: 0, inflight: 0, done: JOBS + LATE_JOBS, dlq: 0 });
    const records = await inspectAll(driver, queue, ids);
    const starts = workers.flatMap((worker) => worker.starts);
    const byToken = new Map(starts.map((start) => [start.token, start]));
    const wrongAttempts = [...records.entries()].filter(([, record]) => record?.attempts !== 1).map(([id]) => id);
    const ackedByOther = [...records.entries()].filter(([, record]) => byToken.get(record?.lease?.token ?? '')?.attempt !== 2);
    const startsPerJob = new Map<string, number>();
    for (const start of starts) startsPerJob.set(start.id, (startsPerJob.get(start.id) ?? 0) + 1);
    const extraRuns = [...startsPerJob.values()].reduce((sum, n) => sum + Math.max(0, n - 2), 0);
    const events = workers.flatMap((worker) => worker.events);
    const unknownOutcomes = events.filter((event) => event.event === 'error' && event.code === 'OUTCOME_UNKNOWN').length;
    const otherErrors = events.filter((event) => event.event === 'error' && event.code !== 'OUTCOME_UNKNOWN');
    const leaseLost = events.filter((event) => event.event === 'leaseLost').length;
    console.info(
      `[faults] postgres-terminated-connections: jobs=${JOBS}+${LATE_JOBS} workers=${WORKERS} killRounds=${rounds.length} ` +
        `backendsTerminated=${rounds.reduce((a, b) => a + b.backends, 0)} listenersTerminated=${rounds.reduce((a, b) => a + b.listeners, 0)} ` +
        `runMs=${runMs} lateJobsMs=${lateMs} starts=${starts.length} extraRuns=${extraRuns} outcomeUnknown=${unknownOutcomes} ` +
        `otherErrors=${otherErrors.length} leaseLost=${leaseLost} lost=${ids.length - [...records.values()].filter((r) => r?.status === 'done').length} ` +
        `wrongAttempts=${wrongAttempts.length}`,
    );
    if (otherErrors.length > 0) console.info(`[faults] other errors: ${JSON.stringify(otherErrors.slice(0, 5))}`);
    expect(lateFrom).toBe(JOBS);
    expect(rounds.length).toBe(KILL_ROUNDS);
    // Each round cut every worker's listening connection and some pool connections.
    expect(rounds.every((round) => round.listeners === WORKERS && round.backends > WORKERS)).toBe(true);
    expect(wrongAttempts).toEqual([]);
    expect(ackedByOther).toEqual([]);
  }, TEST_TIMEOUT_MS);
});
