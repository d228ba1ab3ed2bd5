/**
 * Clock skew: two workers on the machine's clock and one whose clock runs
 * ahead by 0, half a lease or two leases, on both lease clocks of the Redis
 * driver. Handlers run up to 1.5 leases, so leases live on heartbeats.
 *
 * A worker ahead of the others sees their leases end early and reclaims
 * them: on the caller clock that is a second run of a job whose lease was
 * still valid. On the server clock (Redis TIME) no worker's skew matters.
 * Every run must lose nothing, and the run that acked is each job's last.
 */
import { Client } from '@taskharbor/core';
import { type LeaseClock, RedisDriver } from '@taskharbor/driver-redis';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  baseWorkerConfig,
  checkDeliveries,
  deleteKeys,
  FaultWorker,
  inspectAll,
  KEEP_DONE_JOBS,
  killAllWorkers,
  LARGE,
  openShared,
  readStarts,
  requireSharedRedisUrl,
  SKIP_SHARED,
  startsKeyOf,
  TEST_DB,
  TEST_TIMEOUT_MS,
  uniqueName,
  waitFor,
} from '../support/fault-harness.js';

const JOBS = LARGE ? 1_000 : 72;
const LEASE_MS = 1000;
const SKEWS = [0, LEASE_MS / 2, 2 * LEASE_MS];

interface SkewRun {
  jobs: number;
  runMs: number;
  duplicated: number;
  extraStarts: number;
  reclaimed: number;
  lost: number;
  notDone: number;
  startAfterAck: number;
  ackWithoutStart: number;
}

describe.skipIf(SKIP_SHARED)('clock skew (one of three workers runs ahead)', () => {
  let url: string;
  let redis: Redis;
  const prefixes: string[] = [];

  beforeAll(() => {
    url = requireSharedRedisUrl();
    redis = openShared(url);
  });

  afterAll(async () => {
    await killAllWorkers();
    if (redis !== undefined) {
      for (const prefix of prefixes) await deleteKeys(redis, `${prefix}:*`);
      redis.disconnect();
    }
  });

  async function skewRun(leaseClock: LeaseClock, skewMs: number): Promise<SkewRun> {
    const prefix = uniqueName(`skew-${leaseClock}-${skewMs}`);
    prefixes.push(prefix);
    const startsKey = startsKeyOf(prefix);
    const queue = 'faults';
    const driver = await RedisDriver.connect({
      url,
      db: TEST_DB,
      keyPrefix: prefix,
      retention: KEEP_DONE_JOBS,
    });
    try {
      const began = Date.now();
      const results = await new Client(driver).enqueueMany(
        Array.from({ length: JOBS }, (_, n) => ({ type: 'work', payload: { n }, options: { queue } })),
      );
      const ids = results.map((result) => result.id);
      const config = baseWorkerConfig({
        url,
        prefix,
        leaseMs: LEASE_MS,
        concurrency: 8,
        workMinMs: 50,
        workMaxMs: 1500,
        leaseClock,
      });
      const workers = [
        new FaultWorker(config),
        new FaultWorker(config),
        new FaultWorker({ ...config, clockSkewMs: skewMs }),
      ];
      await Promise.all(workers.map((worker) => worker.ready));
      await waitFor('every job done', LARGE ? 300_000 : 90_000, async () => (await driver.counts(queue)).done === JOBS, 50);
      const runMs = Date.now() - began;
      await Promise.all(workers.map((worker) => worker.stop()));

      expect(await driver.counts(queue)).toMatchObject({ ready: 0, scheduled: 0, inflight: 0, done: JOBS, dlq: 0 });
      const records = await inspectAll(driver, queue, ids);
      const report = checkDeliveries(ids, records, await readStarts(redis, startsKey), new Set());
      const run: SkewRun = {
        jobs: JOBS,
        runMs,
        duplicated: report.duplicated,
        extraStarts: report.extraStarts,
        reclaimed: [...records.values()].filter((record) => (record?.reclaims ?? 0) > 0).length,
        lost: report.lost.length,
        notDone: report.notDone.length,
        startAfterAck: report.startAfterAck.length,
        ackWithoutStart: report.ackWithoutStart.length,
      };
      console.info(`[faults] clock-skew leaseClock=${leaseClock} skewMs=${skewMs} leaseMs=${LEASE_MS}: ${JSON.stringify(run)}`);
      expect(report.unknownStarts).toBe(0);
      expect(run.lost).toBe(0);
      expect(run.notDone).toBe(0);
      expect(run.ackWithoutStart).toBe(0);
      expect(run.startAfterAck).toBe(0);
      return run;
    } finally {
      await driver.close();
    }
  }

  for (const skewMs of SKEWS) {
    it(`server clock, one worker ${skewMs} ms ahead: no job runs twice`, async () => {
      const run = await skewRun('server', skewMs);
      expect(run.duplicated).toBe(0);
      expect(run.reclaimed).toBe(0);
    }, TEST_TIMEOUT_MS);
  }

  it('caller clock, no skew: no job runs twice', async () => {
    const run = await skewRun('caller', 0);
    expect(run.duplicated).toBe(0);
  }, TEST_TIMEOUT_MS);

  it(`caller clock, one worker ${LEASE_MS / 2} ms ahead (half a lease): nothing lost, duplicates reported`, async () => {
    // Within the tolerance (skew < lease - heartbeat interval) no lease is
    // taken early, unless a heartbeat runs late by more than the margin left.
    await skewRun('caller', LEASE_MS / 2);
  }, TEST_TIMEOUT_MS);

  it(`caller clock, one worker ${2 * LEASE_MS} ms ahead (two leases): valid leases are taken, so jobs run twice`, async () => {
    const run = await skewRun('caller', 2 * LEASE_MS);
    expect(run.duplicated).toBeGreaterThan(0);
  }, TEST_TIMEOUT_MS);
});
