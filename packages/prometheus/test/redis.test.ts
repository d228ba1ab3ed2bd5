import { randomBytes } from 'node:crypto';
import { requireObservability, RetryPolicy } from '@taskharbor/core';
import { RedisDriver } from '@taskharbor/driver-redis';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectMetrics, instrumentWorker, METRIC_NAMES } from '../src/index.js';
import { CountingAdmin } from './support/counting-admin.js';
import { samples } from './support/scrape.js';
import { workerSetup } from './support/worker-setup.js';

/** REDIS_URL, else REDIS_ADDR (host:port). Without either the suite is skipped, unless TASKHARBOR_REQUIRE_REDIS=1 (CI). */
const redisUrl = process.env.REDIS_URL || (process.env.REDIS_ADDR ? `redis://${process.env.REDIS_ADDR}` : undefined);
const required = process.env.TASKHARBOR_REQUIRE_REDIS === '1';

describe('Redis for the Prometheus tests', () => {
  it('is configured whenever TASKHARBOR_REQUIRE_REDIS=1 (CI), so the Redis suite cannot skip silently there', () => {
    expect(!required || redisUrl !== undefined, 'TASKHARBOR_REQUIRE_REDIS=1 but neither REDIS_URL nor REDIS_ADDR is set').toBe(true);
  });
});

describe.skipIf(redisUrl === undefined)('collectMetrics and instrumentWorker on Redis', () => {
  // DB 14 and a prefix of this run's own, deleted afterwards: a developer's data is never touched.
  const keyPrefix = `th-test:prometheus:${randomBytes(4).toString('hex')}`;
  let driver: RedisDriver;

  beforeAll(async () => {
    driver = await RedisDriver.connect({ url: redisUrl, db: 14, keyPrefix });
  });

  afterAll(async () => {
    if (driver === undefined) return;
    let cursor = '0';
    do {
      const [next, keys] = (await driver.client.call('SCAN', cursor, 'MATCH', `${keyPrefix}:*`, 'COUNT', '1000')) as [string, string[]];
      if (keys.length > 0) await driver.client.call('DEL', ...keys);
      cursor = next;
    } while (cursor !== '0');
    await driver.close();
  });

  it('reports the counts a real worker leaves, its counters, and reads counts once per cacheMs', async () => {
    const queue = `q-${randomBytes(4).toString('hex')}`;
    const harness = workerSetup(driver);
    const { clock, client, until } = harness;
    try {
      const registry = new Registry();
      const admin = new CountingAdmin(driver);
      collectMetrics({ admin, registry, clock, queues: [queue], cacheMs: 5_000 });
      const worker = harness.worker({ queues: [queue], retryPolicy: RetryPolicy.fixed(0) });
      instrumentWorker(worker, { registry });
      worker.register('ok', () => {});
      worker.register('bad', () => {
        throw new Error('always');
      });
      await client.enqueue('ok', {}, { queue });
      await client.enqueue('ok', {}, { queue });
      await client.enqueue('bad', {}, { queue, maxAttempts: 1 });
      await client.enqueue('ok', {}, { queue, delayMs: 60_000 });
      await worker.start();
      await until(async () => {
        const counts = await driver.counts(queue);
        return counts.done === 2 && counts.dlq === 1;
      }, 'the jobs finished');
      await driver.pause(queue);

      expect(await samples(registry, METRIC_NAMES.jobs)).toEqual([
        `taskharbor_jobs{queue="${queue}",status="ready"} 0`,
        `taskharbor_jobs{queue="${queue}",status="scheduled"} 1`,
        `taskharbor_jobs{queue="${queue}",status="inflight"} 0`,
        `taskharbor_jobs{queue="${queue}",status="done"} 2`,
        `taskharbor_jobs{queue="${queue}",status="dlq"} 1`,
        `taskharbor_jobs{queue="${queue}",status="cancelled"} 0`,
      ]);
      expect(await samples(registry, METRIC_NAMES.queuePaused)).toEqual([`taskharbor_queue_paused{queue="${queue}"} 1`]);
      await until(async () => (await samples(registry, `${METRIC_NAMES.completed}{queue="${queue}",type="ok"}`))[0]?.endsWith(' 2') ?? false, 'both completions counted');
      expect(await samples(registry, `${METRIC_NAMES.dead}{queue="${queue}",type="bad"}`)).toEqual([
        `taskharbor_jobs_dead_total{queue="${queue}",type="bad"} 1`,
      ]);
      expect(await samples(registry, `${METRIC_NAMES.failed}{queue="${queue}",type="bad"}`)).toEqual([
        `taskharbor_jobs_failed_total{queue="${queue}",type="bad"} 1`,
      ]);
      expect(admin.countsCalls).toEqual([queue]);

      await driver.resume(queue);
      await clock.advance(5_000);
      expect(await samples(registry, METRIC_NAMES.queuePaused)).toEqual([`taskharbor_queue_paused{queue="${queue}"} 0`]);
      expect(admin.countsCalls).toEqual([queue, queue]);
    } finally {
      await harness.close();
    }
  });

  it('reports the live workers a Redis store lists, per queue and in total', async () => {
    const queue = `q-${randomBytes(4).toString('hex')}`;
    const other = `q-${randomBytes(4).toString('hex')}`;
    const store = requireObservability(driver, 'report workers');
    const now = Date.now();
    const info = { host: 'h', pid: 1, concurrency: 8, running: 5, startedAt: now, version: '0.1.0' };
    await store.registerWorker({ ...info, id: `${queue}-a`, queues: [queue, other] }, { now, ttlMs: 60_000 });
    await store.registerWorker({ ...info, id: `${queue}-b`, queues: [queue], running: 1, concurrency: 2 }, { now, ttlMs: 60_000 });
    try {
      const registry = new Registry();
      collectMetrics({ admin: driver, registry, queues: [queue, other] });
      expect(await samples(registry, METRIC_NAMES.workers)).toEqual([`taskharbor_workers{queue="${queue}"} 2`, `taskharbor_workers{queue="${other}"} 1`]);
      // The key prefix is this file's own, so the totals are these two workers'.
      expect(await samples(registry, METRIC_NAMES.workerRunningJobs)).toEqual(['taskharbor_worker_running_jobs 6']);
      expect(await samples(registry, METRIC_NAMES.workerSlots)).toEqual(['taskharbor_worker_slots 10']);
    } finally {
      await store.removeWorker(`${queue}-a`);
      await store.removeWorker(`${queue}-b`);
    }
  });
});
