import { Client, type WorkerInfo, type WorkersRequest } from '@taskharbor/core';
import { MemoryDriver } from '@taskharbor/driver-memory';
import { FakeClock } from '@taskharbor/testkit';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { collectMetrics, METRIC_NAMES } from '../src/index.js';
import { samples } from './support/scrape.js';

const drivers: MemoryDriver[] = [];
afterEach(async () => {
  for (const driver of drivers.splice(0)) await driver.close();
});

const MINUTE = 60_000;

/** A memory driver with its workers() calls counted, and a switch that makes them fail. */
function setup() {
  const clock = new FakeClock();
  const driver = new MemoryDriver();
  drivers.push(driver);
  const calls = { workers: 0, failWith: undefined as Error | undefined };
  // Everything else (families included) comes from the driver itself.
  const admin = Object.create(driver, {
    workers: {
      value: async (request?: WorkersRequest) => {
        calls.workers++;
        if (calls.failWith !== undefined) throw calls.failWith;
        return driver.workers(request);
      },
    },
  }) as MemoryDriver;
  return { clock, driver, admin, calls, client: new Client(driver), registry: new Registry() };
}

function info(id: string, queues: string[], running: number, concurrency: number): WorkerInfo {
  return { id, host: 'h', pid: 1, queues, concurrency, running, startedAt: Date.now(), version: '0.1.0' };
}

describe('collectMetrics: live workers (drivers with observability)', () => {
  it('counts workers per queue, a worker of several queues in each, and running jobs and slots across them', async () => {
    const { driver, admin, client, clock, registry } = setup();
    await client.enqueue('a', {}, { queue: 'emails' });
    await client.enqueue('a', {}, { queue: 'idle' });
    const now = Date.now();
    await driver.registerWorker(info('w1', ['emails', 'reports'], 3, 10), { now, ttlMs: MINUTE });
    await driver.registerWorker(info('w2', ['emails'], 1, 4), { now, ttlMs: MINUTE });
    // Expired: not live, so not counted.
    await driver.registerWorker(info('w3', ['emails'], 5, 5), { now: now - 2 * MINUTE, ttlMs: MINUTE });
    collectMetrics({ admin, registry, clock });

    // The queues of admin.queues() (0 where no worker serves them), then served queues that hold no job yet.
    expect(await samples(registry, METRIC_NAMES.workers)).toEqual([
      'taskharbor_workers{queue="emails"} 2',
      'taskharbor_workers{queue="idle"} 0',
      'taskharbor_workers{queue="reports"} 1',
    ]);
    expect(await samples(registry, METRIC_NAMES.workerRunningJobs)).toEqual(['taskharbor_worker_running_jobs 4']);
    expect(await samples(registry, METRIC_NAMES.workerSlots)).toEqual(['taskharbor_worker_slots 14']);
    expect(await samples(registry, 'taskharbor_collect_errors_total{operation="workers"}')).toEqual([
      'taskharbor_collect_errors_total{operation="workers"} 0',
    ]);
    const text = await registry.metrics();
    expect(text).toContain('# TYPE taskharbor_workers gauge');
    expect(text).toContain('# TYPE taskharbor_worker_running_jobs gauge');
  });

  it('with fixed queues reports exactly those', async () => {
    const { driver, admin, clock, registry } = setup();
    await driver.registerWorker(info('w1', ['emails', 'reports'], 0, 2), { now: Date.now(), ttlMs: MINUTE });
    collectMetrics({ admin, registry, clock, queues: ['reports', 'empty'] });
    expect(await samples(registry, METRIC_NAMES.workers)).toEqual(['taskharbor_workers{queue="reports"} 1', 'taskharbor_workers{queue="empty"} 0']);
  });

  it('reads the worker list once per cacheMs however often it is scraped, and sees changes after it', async () => {
    const { driver, admin, calls, clock, registry } = setup();
    await driver.registerWorker(info('w1', ['emails'], 2, 4), { now: Date.now(), ttlMs: 10 * MINUTE });
    collectMetrics({ admin, registry, clock, queues: ['emails'], cacheMs: 1_000 });
    for (let i = 0; i < 10; i++) {
      await registry.metrics();
      await clock.advance(99);
    }
    // Three gauges per scrape, ten scrapes, one call.
    expect(calls.workers).toBe(1);
    await driver.removeWorker('w1');
    expect(await samples(registry, METRIC_NAMES.workers)).toEqual(['taskharbor_workers{queue="emails"} 1']);
    await clock.advance(10);
    expect(await samples(registry, METRIC_NAMES.workers)).toEqual(['taskharbor_workers{queue="emails"} 0']);
    expect(await samples(registry, METRIC_NAMES.workerRunningJobs)).toEqual(['taskharbor_worker_running_jobs 0']);
    expect(calls.workers).toBe(2);
  });

  it('keeps the last worker numbers when the read fails, and counts the failure', async () => {
    const { driver, admin, calls, clock, registry } = setup();
    await driver.registerWorker(info('w1', ['emails'], 2, 4), { now: Date.now(), ttlMs: 10 * MINUTE });
    collectMetrics({ admin, registry, clock, queues: ['emails'], cacheMs: 1_000 });
    expect(await samples(registry, METRIC_NAMES.workerSlots)).toEqual(['taskharbor_worker_slots 4']);
    calls.failWith = new Error('connection lost');
    await driver.registerWorker(info('w2', ['emails'], 0, 6), { now: Date.now(), ttlMs: 10 * MINUTE });
    await clock.advance(1_000);
    const text = await registry.metrics();
    expect(text).toContain('taskharbor_worker_slots 4');
    expect(text).toContain('taskharbor_workers{queue="emails"} 1');
    expect(text).toContain('taskharbor_collect_errors_total{operation="workers"} 1');
    calls.failWith = undefined;
    await clock.advance(1_000);
    expect(await samples(registry, METRIC_NAMES.workerSlots)).toEqual(['taskharbor_worker_slots 10']);
  });

  it('a driver without the family gets no worker metrics and is never asked for workers', async () => {
    const { driver, calls, clock, registry } = setup();
    const plain = Object.create(driver, {
      families: { value: ['jobControl', 'schedules', 'flowControl'] },
      workers: {
        value: async () => {
          calls.workers++;
          return [];
        },
      },
    }) as MemoryDriver;
    collectMetrics({ admin: plain, registry, clock, queues: ['emails'] });
    const text = await registry.metrics();
    expect(text).toContain('taskharbor_jobs{queue="emails",status="ready"} 0');
    expect(text).not.toContain('taskharbor_worker');
    expect(text).not.toContain('operation="workers"');
    expect(calls.workers).toBe(0);
  });
});
