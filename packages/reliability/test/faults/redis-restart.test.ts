/**
 * Redis restart: a private redis-server (own loopback port, own directory,
 * append-only file) is SIGKILLed mid-run and started again on the same port
 * and directory. Workers and the client reconnect by themselves. A producer
 * keeps enqueueing (with its own ids) through the crashes; every enqueue
 * Redis acknowledged must survive and be done at the end.
 *
 * With `appendfsync always` nothing acknowledged may be lost. With
 * `appendfsync everysec` a killed redis-server process loses nothing either:
 * its writes sit in the operating system's page cache, which outlives the
 * process. Only a crash of the whole machine loses up to the last second of
 * writes, which a test on one machine cannot stage (docs/reliability.md).
 */
import { Client } from '@taskharbor/core';
import { RedisDriver } from '@taskharbor/driver-redis';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import {
  baseWorkerConfig,
  FaultWorker,
  inspectAll,
  KEEP_DONE_JOBS,
  killAllWorkers,
  LARGE,
  readStarts,
  REQUIRE_REDIS,
  sleep,
  startsKeyOf,
  TEST_TIMEOUT_MS,
  waitFor,
} from '../support/fault-harness.js';
import { HAVE_REDIS_SERVER, TestRedisServer } from '../support/fault-redis-server.js';

const SKIP = !HAVE_REDIS_SERVER && !REQUIRE_REDIS;

interface RunResult {
  acknowledged: number;
  unknown: number;
  lostAcknowledged: number;
  notDone: number;
  restarts: number;
  runMs: number;
  starts: number;
  extraStarts: number;
  reclaimed: number;
  ackWithoutStart: number;
  startAfterAck: number;
}

async function crashRun(fsync: 'always' | 'everysec', initialJobs: number, producedJobs: number, restarts: number): Promise<RunResult> {
  const server = await TestRedisServer.start(fsync);
  const workers: FaultWorker[] = [];
  let driver: RedisDriver | undefined;
  let log: Redis | undefined;
  try {
    const began = Date.now();
    const queue = 'faults';
    const prefix = 'thfault-restart';
    const startsKey = startsKeyOf(prefix);
    const retention = KEEP_DONE_JOBS;
    driver = await RedisDriver.connect({ url: server.url, db: 0, keyPrefix: prefix, retention });
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
    for (let i = 0; i < initialJobs; i += 500) await enqueueBatch(i, Math.min(500, initialJobs - i));

    const config = baseWorkerConfig({
      url: server.url,
      db: 0,
      prefix,
      logDb: 0,
      leaseMs: 1000,
      concurrency: 4,
      workMinMs: 20,
      workMaxMs: 40,
    });
    for (let i = 0; i < 3; i++) workers.push(new FaultWorker(config));
    await Promise.all(workers.map((worker) => worker.ready));

    // The producer: 5 jobs every 50 ms, until every crash has happened and at least producedJobs were sent.
    let produced = 0;
    let restarted = 0;
    let producing = true;
    const producer = (async () => {
      while (restarted < restarts || produced < producedJobs) {
        await enqueueBatch(initialJobs + produced, 5);
        produced += 5;
        await sleep(50);
      }
      producing = false;
    })();

    const restartAt = Array.from({ length: restarts }, (_, k) => Math.floor(((k + 1) * initialJobs) / (restarts + 1)));
    await waitFor(
      'the run to finish',
      LARGE ? 600_000 : 90_000,
      async () => {
        let counts: Awaited<ReturnType<RedisDriver['counts']>>;
        try {
          counts = await (driver as RedisDriver).counts(queue);
        } catch {
          return false; // the server is restarting
        }
        if (restartAt.length > 0 && counts.done >= (restartAt[0] ?? Number.POSITIVE_INFINITY)) {
          restartAt.shift();
          await server.crash();
          await sleep(300);
          await server.launch();
          restarted++;
          return false;
        }
        return (
          restartAt.length === 0 &&
          !producing &&
          counts.ready + counts.scheduled + counts.inflight === 0 &&
          counts.done + counts.dlq >= acknowledged.length
        );
      },
      50,
    );
    await producer;
    const runMs = Date.now() - began;
    await Promise.all(workers.map((worker) => worker.stop()));

    const records = await inspectAll(driver, queue, acknowledged);
    log = new Redis(server.url, { maxRetriesPerRequest: 3 });
    const rawStarts = await readStarts(log, startsKey);
    // The start log's own client resends after a reconnect: one entry per token.
    const starts = [...new Map(rawStarts.map((start) => [start.token, start])).values()];
    const startsById = new Map<string, string[]>();
    for (const start of starts) startsById.set(start.id, [...(startsById.get(start.id) ?? []), start.token]);
    let ackWithoutStart = 0;
    let startAfterAck = 0;
    for (const id of acknowledged) {
      const tokens = startsById.get(id) ?? [];
      const token = records.get(id)?.lease?.token;
      const at = tokens.indexOf(token ?? '');
      if (at < 0) ackWithoutStart++;
      else if (at !== tokens.length - 1) startAfterAck++;
    }
    return {
      acknowledged: acknowledged.length,
      unknown: unknown.length,
      lostAcknowledged: acknowledged.filter((id) => records.get(id) === undefined).length,
      notDone: acknowledged.filter((id) => records.get(id) !== undefined && records.get(id)?.status !== 'done').length,
      restarts: restarted,
      runMs,
      starts: starts.length,
      extraStarts: starts.length - startsById.size,
      reclaimed: [...records.values()].filter((record) => (record?.reclaims ?? 0) > 0).length,
      ackWithoutStart,
      startAfterAck,
    };
  } finally {
    await Promise.all(workers.map((worker) => worker.kill()));
    await driver?.close().catch(() => {});
    log?.disconnect();
    await server.destroy();
  }
}

describe.skipIf(SKIP)('Redis restart (SIGKILL of a private redis-server, restarted on the same port and dir)', () => {
  afterAll(async () => {
    await killAllWorkers();
  });

  const INITIAL = LARGE ? 10_000 : 1_500;
  const PRODUCED = LARGE ? 2_000 : 300;
  const RESTARTS = LARGE ? 6 : 2;

  it(`appendfsync always: ${INITIAL}+${PRODUCED} jobs, ${RESTARTS} crashes, nothing acknowledged is lost`, async () => {
    const result = await crashRun('always', INITIAL, PRODUCED, RESTARTS);
    console.info(`[faults] redis-restart appendfsync=always: ${JSON.stringify(result)}`);
    expect(result.restarts).toBe(RESTARTS);
    expect(result.lostAcknowledged).toBe(0);
    expect(result.notDone).toBe(0);
    expect(result.ackWithoutStart).toBe(0);
    expect(result.startAfterAck).toBe(0);
  }, TEST_TIMEOUT_MS);

  it(`appendfsync everysec: ${INITIAL}+${PRODUCED} jobs, ${RESTARTS} process crashes, nothing acknowledged is lost`, async () => {
    const result = await crashRun('everysec', INITIAL, PRODUCED, RESTARTS);
    console.info(`[faults] redis-restart appendfsync=everysec: ${JSON.stringify(result)}`);
    expect(result.restarts).toBe(RESTARTS);
    expect(result.lostAcknowledged).toBe(0);
    expect(result.notDone).toBe(0);
  }, TEST_TIMEOUT_MS);
});
