/**
 * Dropped connections: the test kills the workers' driver connections with
 * CLIENT KILL ID, choosing them from CLIENT LIST by the exact client name the
 * workers set (ioredis `connectionName`, which `duplicate()` keeps for the
 * wake-up connections). No other client of the shared server is touched.
 *
 * Every job fails on attempt 1 and succeeds on attempt 2, so a retry script
 * that ran twice would leave attempts = 2: attempts must be exactly 1.
 */
import { Client } from '@taskharbor/core';
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import {
  baseWorkerConfig,
  connectionNameOf,
  FaultWorker,
  inspectAll,
  LARGE,
  readStarts,
  SKIP_SHARED,
  TEST_TIMEOUT_MS,
  waitFor,
} from '../support/fault-harness.js';
import { useSharedFaultRedis } from '../support/fault-shared-redis.js';

const JOBS = LARGE ? 10_000 : 1_000;
const WORKERS = 3;
const KILL_ROUNDS = LARGE ? 20 : 5;

/** CLIENT KILL ID for every connection whose name is exactly `name`; returns how many. */
async function killConnectionsNamed(redis: Redis, name: string): Promise<number> {
  const list = (await redis.client('LIST')) as string;
  let killed = 0;
  for (const line of list.split('\n')) {
    const fields = new Map(
      line
        .trim()
        .split(' ')
        .map((pair) => {
          const at = pair.indexOf('=');
          return [pair.slice(0, at), pair.slice(at + 1)] as const;
        }),
    );
    if (fields.get('name') !== name) continue;
    const id = fields.get('id');
    if (id === undefined) continue;
    killed += Number(await redis.client('KILL', 'ID', id));
  }
  return killed;
}

describe.skipIf(SKIP_SHARED)('dropped connections (CLIENT KILL of the workers connections)', () => {
  const shared = useSharedFaultRedis('drop');
  const { prefix, startsKey } = shared;
  const connectionName = connectionNameOf(prefix);

  it(`runs ${JOBS} jobs (each retried once) through ${KILL_ROUNDS} rounds of CLIENT KILL: none lost, no outcome written twice`, async () => {
    const { url, redis, driver } = shared;
    const began = Date.now();
    const queue = 'faults';
    const client = new Client(driver);
    const ids: string[] = [];
    for (let i = 0; i < JOBS; i += 500) {
      const batch = Array.from({ length: Math.min(500, JOBS - i) }, (_, j) => ({
        type: 'work',
        payload: { n: i + j },
        options: { queue, maxAttempts: 10 },
      }));
      for (const result of await client.enqueueMany(batch)) ids.push(result.id);
    }

    const config = baseWorkerConfig({
      url,
      prefix,
      leaseMs: 1000,
      concurrency: 4,
      workMinMs: 10,
      workMaxMs: 25,
      failFirstAttempt: true,
    });
    const workers = Array.from({ length: WORKERS }, () => new FaultWorker(config));
    await Promise.all(workers.map((worker) => worker.ready));

    const killAt = Array.from({ length: KILL_ROUNDS }, (_, k) => Math.floor(((k + 1) * JOBS) / (KILL_ROUNDS + 2)));
    const rounds: number[] = [];
    await waitFor(
      'every job done',
      LARGE ? 600_000 : 90_000,
      async () => {
        const counts = await driver.counts(queue);
        while (killAt.length > 0 && counts.done >= (killAt[0] ?? Number.POSITIVE_INFINITY)) {
          killAt.shift();
          rounds.push(await killConnectionsNamed(redis, connectionName));
        }
        return counts.done === JOBS;
      },
      50,
    );
    const runMs = Date.now() - began;
    // Every worker is still alive and reconnected: its connections are back under their name.
    expect(workers.every((worker) => worker.alive)).toBe(true);
    await Promise.all(workers.map((worker) => worker.stop()));

    const counts = await driver.counts(queue);
    expect(counts).toMatchObject({ ready: 0, scheduled: 0, inflight: 0, done: JOBS, dlq: 0 });
    const records = await inspectAll(driver, queue, ids);
    const starts = await readStarts(redis, startsKey);
    const byToken = new Map(starts.map((start) => [start.token, start]));
    const wrongAttempts = [...records.entries()].filter(([, record]) => record?.attempts !== 1).map(([id]) => id);
    const ackedByOther = [...records.entries()].filter(([, record]) => byToken.get(record?.lease?.token ?? '')?.attempt !== 2);
    const startsPerJob = new Map<string, number>();
    for (const start of starts) startsPerJob.set(start.id, (startsPerJob.get(start.id) ?? 0) + 1);
    const extraRuns = [...startsPerJob.values()].reduce((sum, n) => sum + Math.max(0, n - 2), 0);
    const events = workers.flatMap((worker) => worker.events);
    const unknownOutcomes = events.filter((event) => event.event === 'error' && event.code === 'OUTCOME_UNKNOWN').length;
    const otherErrors = events.filter((event) => event.event === 'error' && event.code !== 'OUTCOME_UNKNOWN').length;
    const leaseLost = events.filter((event) => event.event === 'leaseLost').length;
    console.info(
      `[faults] dropped-connections: jobs=${JOBS} workers=${WORKERS} killRounds=${rounds.length} connectionsKilled=${rounds.reduce((a, b) => a + b, 0)} ` +
        `runMs=${runMs} starts=${starts.length} extraRuns=${extraRuns} outcomeUnknown=${unknownOutcomes} otherErrors=${otherErrors} ` +
        `leaseLost=${leaseLost} lost=${JOBS - [...records.values()].filter((r) => r?.status === 'done').length} wrongAttempts=${wrongAttempts.length}`,
    );
    expect(rounds.length).toBe(KILL_ROUNDS);
    expect(rounds.every((n) => n > 0)).toBe(true);
    expect(wrongAttempts).toEqual([]);
    expect(ackedByOther).toEqual([]);
  }, TEST_TIMEOUT_MS);
});
