/**
 * Slow Redis: every byte between the workers and Redis goes through a
 * loopback proxy that adds 5-20 ms each way. While leases stay valid (the
 * heartbeat renews them well within the lease), no job runs twice.
 */
import { Client } from '@taskharbor/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  baseWorkerConfig,
  checkDeliveries,
  FaultWorker,
  inspectAll,
  LARGE,
  readStarts,
  SKIP_SHARED,
  TEST_TIMEOUT_MS,
  waitFor,
} from '../support/fault-harness.js';
import { useSharedFaultRedis } from '../support/fault-shared-redis.js';
import { LatencyProxy } from '../support/fault-proxy.js';

const JOBS = LARGE ? 10_000 : 1_000;
const WORKERS = 3;
const LEASE_MS = 1000;

describe.skipIf(SKIP_SHARED)('slow Redis (5-20 ms added each way by a TCP proxy)', () => {
  const shared = useSharedFaultRedis('slow');
  const { prefix, startsKey } = shared;

  let proxy: LatencyProxy | undefined;

  beforeAll(async () => {
    const upstream = new URL(shared.url);
    proxy = await LatencyProxy.start(upstream.hostname, Number(upstream.port || 6379), 5, 20);
  });

  afterAll(async () => {
    await proxy?.close();
  });

  it(`runs ${JOBS} jobs on ${WORKERS} workers through the proxy (${LEASE_MS} ms lease): every job runs exactly once`, async () => {
    const { url, redis, driver } = shared;
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
      prefix,
      logUrl: url,
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
    expect(counts).toMatchObject({ ready: 0, scheduled: 0, inflight: 0, done: JOBS, dlq: 0 });
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
