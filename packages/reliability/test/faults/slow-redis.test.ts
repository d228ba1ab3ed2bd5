/**
 * Slow Redis: every byte between the workers and Redis goes through a
 * loopback proxy that adds 5-20 ms each way. While leases stay valid (the
 * heartbeat renews them well within the lease), no job runs twice.
 */
import { Client } from '@taskharbor/core';
import { RedisDriver } from '@taskharbor/driver-redis';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  baseWorkerConfig,
  checkDeliveries,
  deleteKeys,
  FaultWorker,
  inspectAll,
  killAllWorkers,
  LARGE,
  openShared,
  readStarts,
  requireSharedRedisUrl,
  SKIP_SHARED,
  TEST_DB,
  TEST_TIMEOUT_MS,
  uniqueName,
  waitFor,
} from '../support/fault-harness.js';
import { LatencyProxy } from '../support/fault-proxy.js';

const JOBS = LARGE ? 10_000 : 1_000;
const WORKERS = 3;
const LEASE_MS = 1000;

describe.skipIf(SKIP_SHARED)('slow Redis (5-20 ms added each way by a TCP proxy)', () => {
  const prefix = uniqueName('slow');
  const startsKey = `${prefix}:starts`;
  let url: string;
  let redis: Redis;
  let driver: RedisDriver;
  let proxy: LatencyProxy | undefined;

  beforeAll(async () => {
    url = requireSharedRedisUrl();
    redis = openShared(url);
    driver = await RedisDriver.connect({
      url,
      db: TEST_DB,
      keyPrefix: prefix,
      retention: { maxDoneCount: 1_000_000_000, maxDoneAgeMs: 1_000_000_000_000 },
    });
    const upstream = new URL(url);
    proxy = await LatencyProxy.start(upstream.hostname, Number(upstream.port || 6379), 5, 20);
  });

  afterAll(async () => {
    await killAllWorkers();
    await proxy?.close();
    await driver?.close();
    if (redis !== undefined) {
      await deleteKeys(redis, `${prefix}:*`);
      redis.disconnect();
    }
  });

  it(`runs ${JOBS} jobs on ${WORKERS} workers through the proxy (${LEASE_MS} ms lease): every job runs exactly once`, async () => {
    const began = Date.now();
    const queue = 'faults';
    const client = new Client(driver);
    const ids: string[] = [];
    for (let i = 0; i < JOBS; i += 500) {
      const batch = Array.from({ length: Math.min(500, JOBS - i) }, (_, j) => ({ type: 'work', payload: { n: i + j }, options: { queue } }));
      for (const result of await client.enqueueMany(batch)) ids.push(result.id);
    }
    const proxied = new URL(url);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy?.port);
    const config = baseWorkerConfig({
      url: proxied.toString(),
      keyPrefix: prefix,
      connectionName: `${prefix}-drv`,
      logUrl: url,
      startsKey,
      leaseMs: LEASE_MS,
      concurrency: 8,
      workMinMs: 20,
      workMaxMs: 60,
    });
    const workers = Array.from({ length: WORKERS }, () => new FaultWorker(config));
    await Promise.all(workers.map((worker) => worker.ready));
    await waitFor('every job done', LARGE ? 600_000 : 90_000, async () => (await driver.counts(queue)).done === JOBS, 100);
    const runMs = Date.now() - began;
    await Promise.all(workers.map((worker) => worker.stop()));

    const counts = await driver.counts(queue);
    expect(counts).toEqual({ ready: 0, scheduled: 0, inflight: 0, done: JOBS, dlq: 0 });
    const records = await inspectAll(driver, queue, ids);
    const starts = await readStarts(redis, startsKey);
    const report = checkDeliveries(ids, records, starts, new Set());
    const reclaimed = [...records.values()].filter((record) => (record?.reclaims ?? 0) > 0).length;
    const events = workers.flatMap((worker) => worker.events);
    const leaseLost = events.filter((event) => event.event === 'leaseLost').length;
    const errors = events.filter((event) => event.event === 'error').length;
    if (process.env.FAULT_DEBUG === '1') console.info(JSON.stringify(events.filter((e) => e.event === 'error' || e.event === 'leaseLost').slice(0, 30)));
    console.info(
      `[faults] slow-redis: jobs=${JOBS} workers=${WORKERS} runMs=${runMs} proxiedChunks=${proxy?.chunks} starts=${starts.length} ` +
        `duplicated=${report.duplicated} reclaimed=${reclaimed} leaseLost=${leaseLost} errors=${errors} lost=${report.lost.length}`,
    );
    expect(report.lost).toEqual([]);
    expect(report.notDone).toEqual([]);
    expect(report.duplicated).toBe(0);
    expect(starts.length).toBe(JOBS);
    expect(reclaimed).toBe(0);
    expect(leaseLost).toBe(0);
  }, TEST_TIMEOUT_MS);
});
