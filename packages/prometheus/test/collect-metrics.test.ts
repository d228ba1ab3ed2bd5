import { Client, ValidationError } from '@taskharbor/core';
import { MemoryDriver } from '@taskharbor/driver-memory';
import { FakeClock } from '@taskharbor/testkit';
import { Gauge, Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { collectMetrics, METRIC_NAMES } from '../src/index.js';
import { CountingAdmin } from './support/counting-admin.js';
import { lines, samples } from './support/scrape.js';

const drivers: MemoryDriver[] = [];
afterEach(async () => {
  for (const driver of drivers.splice(0)) await driver.close();
});

function setup() {
  const clock = new FakeClock();
  const driver = new MemoryDriver();
  drivers.push(driver);
  const client = new Client(driver, { clock });
  const registry = new Registry();
  return { clock, driver, client, registry };
}

describe('collectMetrics', () => {
  it('reports every queue of admin.queues() by status, whether it is paused, and zeroed error counters', async () => {
    const { clock, driver, client, registry } = setup();
    await client.enqueue('email.send', { to: 'a' }, { queue: 'emails' });
    await client.enqueue('email.send', { to: 'b' }, { queue: 'emails' });
    await client.enqueue('email.send', { to: 'c' }, { queue: 'emails', delayMs: 60_000 });
    await client.enqueue('report.build', {}, { queue: 'reports' });
    await driver.pause('reports');
    collectMetrics({ admin: driver, registry, clock });

    expect(await samples(registry, METRIC_NAMES.jobs)).toEqual([
      'taskharbor_jobs{queue="emails",status="ready"} 2',
      'taskharbor_jobs{queue="emails",status="scheduled"} 1',
      'taskharbor_jobs{queue="emails",status="inflight"} 0',
      'taskharbor_jobs{queue="emails",status="done"} 0',
      'taskharbor_jobs{queue="emails",status="dlq"} 0',
      'taskharbor_jobs{queue="emails",status="cancelled"} 0',
      'taskharbor_jobs{queue="reports",status="ready"} 1',
      'taskharbor_jobs{queue="reports",status="scheduled"} 0',
      'taskharbor_jobs{queue="reports",status="inflight"} 0',
      'taskharbor_jobs{queue="reports",status="done"} 0',
      'taskharbor_jobs{queue="reports",status="dlq"} 0',
      'taskharbor_jobs{queue="reports",status="cancelled"} 0',
    ]);
    expect(await samples(registry, METRIC_NAMES.queuePaused)).toEqual([
      'taskharbor_queue_paused{queue="emails"} 0',
      'taskharbor_queue_paused{queue="reports"} 1',
    ]);
    // The memory driver declares observability, so the worker list has an error series too.
    expect(await samples(registry, METRIC_NAMES.collectErrors)).toEqual([
      'taskharbor_collect_errors_total{operation="queues"} 0',
      'taskharbor_collect_errors_total{operation="workers"} 0',
      'taskharbor_collect_errors_total{operation="counts",queue="emails"} 0',
      'taskharbor_collect_errors_total{operation="counts",queue="reports"} 0',
    ]);
    const text = await lines(registry);
    expect(text).toContain('# TYPE taskharbor_jobs gauge');
    expect(text).toContain('# TYPE taskharbor_queue_paused gauge');
    expect(text).toContain('# TYPE taskharbor_collect_errors_total counter');
  });

  it('reports only the queues it is given, and a queue with no jobs as zeros', async () => {
    const { clock, client, driver, registry } = setup();
    await client.enqueue('email.send', {}, { queue: 'emails' });
    await client.enqueue('report.build', {}, { queue: 'reports' });
    collectMetrics({ admin: driver, registry, clock, queues: ['reports', 'empty', 'reports'] });

    expect(await samples(registry, METRIC_NAMES.jobs)).toEqual([
      'taskharbor_jobs{queue="reports",status="ready"} 1',
      'taskharbor_jobs{queue="reports",status="scheduled"} 0',
      'taskharbor_jobs{queue="reports",status="inflight"} 0',
      'taskharbor_jobs{queue="reports",status="done"} 0',
      'taskharbor_jobs{queue="reports",status="dlq"} 0',
      'taskharbor_jobs{queue="reports",status="cancelled"} 0',
      'taskharbor_jobs{queue="empty",status="ready"} 0',
      'taskharbor_jobs{queue="empty",status="scheduled"} 0',
      'taskharbor_jobs{queue="empty",status="inflight"} 0',
      'taskharbor_jobs{queue="empty",status="done"} 0',
      'taskharbor_jobs{queue="empty",status="dlq"} 0',
      'taskharbor_jobs{queue="empty",status="cancelled"} 0',
    ]);
    // No queue list is read, so it has no error series either (the worker list has one).
    expect(await samples(registry, METRIC_NAMES.collectErrors)).toEqual([
      'taskharbor_collect_errors_total{operation="workers"} 0',
      'taskharbor_collect_errors_total{operation="counts",queue="reports"} 0',
      'taskharbor_collect_errors_total{operation="counts",queue="empty"} 0',
    ]);
  });

  it('reads each queue once per cacheMs however often it is scraped, and again once cacheMs has passed', async () => {
    const { clock, client, driver, registry } = setup();
    await client.enqueue('email.send', {}, { queue: 'emails' });
    await client.enqueue('report.build', {}, { queue: 'reports' });
    const admin = new CountingAdmin(driver);
    collectMetrics({ admin, registry, clock, cacheMs: 1_000 });

    for (let i = 0; i < 10; i++) {
      await registry.metrics();
      await clock.advance(99);
    }
    expect(admin.callsPerQueue()).toEqual({ emails: 1, reports: 1 });
    expect(admin.queuesCalls).toBe(1);

    // A change inside the cache time is not seen yet...
    await client.enqueue('email.send', {}, { queue: 'emails' });
    expect(await samples(registry, 'taskharbor_jobs{queue="emails",status="ready"}')).toEqual([
      'taskharbor_jobs{queue="emails",status="ready"} 1',
    ]);
    // ...and is once cacheMs has passed since the last read.
    await clock.advance(10);
    expect(await samples(registry, 'taskharbor_jobs{queue="emails",status="ready"}')).toEqual([
      'taskharbor_jobs{queue="emails",status="ready"} 2',
    ]);
    expect(admin.callsPerQueue()).toEqual({ emails: 2, reports: 2 });
    // The queue list has a cache of its own (queueListMs, default a minute).
    expect(admin.queuesCalls).toBe(1);
  });

  it('reads the queue list again after queueListMs: a new queue appears, a queue that left the list disappears', async () => {
    const { clock, client, driver, registry } = setup();
    await client.enqueue('email.send', {}, { queue: 'emails' });
    const admin = new CountingAdmin(driver);
    collectMetrics({ admin, registry, clock, cacheMs: 0, queueListMs: 5_000 });
    expect(await samples(registry, 'taskharbor_queue_paused')).toEqual(['taskharbor_queue_paused{queue="emails"} 0']);

    await client.enqueue('report.build', {}, { queue: 'reports' });
    await clock.advance(4_999);
    expect(await samples(registry, 'taskharbor_queue_paused')).toEqual(['taskharbor_queue_paused{queue="emails"} 0']);
    expect(admin.queuesCalls).toBe(1);
    await clock.advance(1);
    expect(await samples(registry, 'taskharbor_queue_paused')).toEqual([
      'taskharbor_queue_paused{queue="emails"} 0',
      'taskharbor_queue_paused{queue="reports"} 0',
    ]);
    expect(admin.queuesCalls).toBe(2);

    admin.hidden.add('emails');
    await clock.advance(5_000);
    expect(await samples(registry, 'taskharbor_queue_paused')).toEqual(['taskharbor_queue_paused{queue="reports"} 0']);
    expect(await samples(registry, 'taskharbor_jobs{queue="emails",status="ready"}')).toEqual([]);
    // cacheMs 0: every scrape read the counts of every listed queue.
    expect(admin.callsPerQueue()).toEqual({ emails: 3, reports: 3 });
  });

  it('shares one counts call per queue between scrapes that come while it runs', async () => {
    const { clock, client, driver, registry } = setup();
    await client.enqueue('email.send', {}, { queue: 'emails' });
    const admin = new CountingAdmin(driver);
    collectMetrics({ admin, registry, clock, queues: ['emails'], cacheMs: 0 });
    const release = admin.hold();
    const scrapes = [registry.metrics(), registry.metrics(), registry.metrics()];
    await clock.flush();
    expect(admin.countsCalls).toEqual(['emails']);
    release();
    const texts = await Promise.all(scrapes);
    for (const text of texts) expect(text).toContain('taskharbor_jobs{queue="emails",status="ready"} 1\n');
    expect(admin.countsCalls).toEqual(['emails']);
  });

  it('keeps the last good counts when a counts call fails, counts the failure, and leaves other metrics alone', async () => {
    const { clock, client, driver, registry } = setup();
    await client.enqueue('email.send', {}, { queue: 'emails' });
    const admin = new CountingAdmin(driver);
    const other = new Gauge({ name: 'app_up', help: 'the app', registers: [registry] });
    other.set(1);
    collectMetrics({ admin, registry, clock, queues: ['emails'], cacheMs: 1_000 });
    expect(await samples(registry, 'taskharbor_jobs{queue="emails",status="ready"}')).toEqual([
      'taskharbor_jobs{queue="emails",status="ready"} 1',
    ]);

    await client.enqueue('email.send', {}, { queue: 'emails' });
    admin.failWith = new Error('connection lost');
    await clock.advance(1_000);
    const text = await lines(registry);
    expect(text).toContain('taskharbor_jobs{queue="emails",status="ready"} 1');
    expect(text).toContain('taskharbor_collect_errors_total{operation="counts",queue="emails"} 1');
    expect(text).toContain('app_up 1');

    // A failing queue is not asked more often than a healthy one.
    await registry.metrics();
    expect(admin.countsCalls).toHaveLength(2);
    await clock.advance(1_000);
    await registry.metrics();
    expect(await samples(registry, METRIC_NAMES.collectErrors)).toEqual([
      'taskharbor_collect_errors_total{operation="counts",queue="emails"} 2',
    ]);

    admin.failWith = undefined;
    await clock.advance(1_000);
    expect(await samples(registry, 'taskharbor_jobs{queue="emails",status="ready"}')).toEqual([
      'taskharbor_jobs{queue="emails",status="ready"} 2',
    ]);
    expect(await samples(registry, METRIC_NAMES.collectErrors)).toEqual([
      'taskharbor_collect_errors_total{operation="counts",queue="emails"} 2',
    ]);
  });

  it('waits at most timeoutMs for a hung counts call: last values and one error, no second call while it hangs, its late answer kept', async () => {
    const { clock, client, driver, registry } = setup();
    await client.enqueue('email.send', {}, { queue: 'emails' });
    const admin = new CountingAdmin(driver);
    const other = new Gauge({ name: 'app_up', help: 'the app', registers: [registry] });
    other.set(1);
    collectMetrics({ admin, registry, clock, queues: ['emails'], cacheMs: 60_000, timeoutMs: 2_000 });
    await registry.metrics();
    await client.enqueue('email.send', {}, { queue: 'emails' });

    await clock.advance(60_000);
    const release = admin.hold();
    const scrape = registry.metrics();
    await clock.advance(1_999);
    let answered = false;
    void scrape.then(() => {
      answered = true;
    });
    await clock.flush();
    expect(answered).toBe(false);
    await clock.advance(1);
    const text = (await scrape).split('\n');
    expect(text).toContain('taskharbor_jobs{queue="emails",status="ready"} 1');
    expect(text).toContain('taskharbor_collect_errors_total{operation="counts",queue="emails"} 1');
    expect(text).toContain('app_up 1');

    // While the call still hangs, scrapes answer at once with the last values, and start no other call.
    await clock.advance(5_000);
    expect(await samples(registry, 'taskharbor_jobs{queue="emails",status="ready"}')).toEqual([
      'taskharbor_jobs{queue="emails",status="ready"} 1',
    ]);
    expect(admin.countsCalls).toEqual(['emails', 'emails']);

    // Its late answer is kept (the cache, 60 s from the call's start, has not run out), and counts no second error.
    release();
    await clock.flush();
    expect(await samples(registry, 'taskharbor_jobs{queue="emails",status="ready"}')).toEqual([
      'taskharbor_jobs{queue="emails",status="ready"} 2',
    ]);
    expect(admin.countsCalls).toEqual(['emails', 'emails']);
    expect(await samples(registry, METRIC_NAMES.collectErrors)).toEqual([
      'taskharbor_collect_errors_total{operation="counts",queue="emails"} 1',
    ]);
  });

  it('survives an admin whose counts throws at once instead of rejecting, and asks it again after cacheMs', async () => {
    const { clock, registry } = setup();
    let calls = 0;
    const admin = {
      counts(): never {
        calls++;
        throw new Error('not a promise');
      },
      queues: async () => ['emails'],
    };
    collectMetrics({ admin, registry, clock, cacheMs: 1_000 });
    expect((await samples(registry, METRIC_NAMES.collectErrors)).sort()).toEqual([
      'taskharbor_collect_errors_total{operation="counts",queue="emails"} 1',
      'taskharbor_collect_errors_total{operation="queues"} 0',
    ]);
    await clock.advance(1_000);
    await registry.metrics();
    expect(calls).toBe(2);
  });

  it('a failing queue list keeps the last list; before any good read there are no job samples, and the scrape still succeeds', async () => {
    const { clock, client, driver, registry } = setup();
    await client.enqueue('email.send', {}, { queue: 'emails' });
    const admin = new CountingAdmin(driver);
    admin.failWith = new Error('connection refused');
    collectMetrics({ admin, registry, clock, queueListMs: 1_000, cacheMs: 1_000 });

    expect(await samples(registry, METRIC_NAMES.jobs)).toEqual([]);
    expect(await samples(registry, METRIC_NAMES.collectErrors)).toEqual(['taskharbor_collect_errors_total{operation="queues"} 1']);

    admin.failWith = undefined;
    await clock.advance(1_000);
    expect(await samples(registry, 'taskharbor_jobs{queue="emails",status="ready"}')).toEqual([
      'taskharbor_jobs{queue="emails",status="ready"} 1',
    ]);
    admin.failWith = new Error('connection refused');
    await clock.advance(1_000);
    expect(await samples(registry, 'taskharbor_jobs{queue="emails",status="ready"}')).toEqual([
      'taskharbor_jobs{queue="emails",status="ready"} 1',
    ]);
    expect(await samples(registry, METRIC_NAMES.collectErrors)).toEqual([
      'taskharbor_collect_errors_total{operation="queues"} 2',
      'taskharbor_collect_errors_total{operation="counts",queue="emails"} 1',
    ]);
  });

  it('unregister removes its metrics and nothing else; the names are free again', async () => {
    const { clock, driver, registry } = setup();
    const other = new Gauge({ name: 'app_up', help: 'the app', registers: [registry] });
    other.set(1);
    const first = collectMetrics({ admin: driver, registry, clock, queues: ['emails'] });
    first.unregister();
    first.unregister();
    expect(await lines(registry)).toEqual(['# HELP app_up the app', '# TYPE app_up gauge', 'app_up 1']);
    const second = collectMetrics({ admin: driver, registry, clock, queues: ['emails'] });
    expect(await samples(registry, 'taskharbor_queue_paused')).toEqual(['taskharbor_queue_paused{queue="emails"} 0']);
    // The first handle's late call does not take the second one's metrics away.
    first.unregister();
    expect(await samples(registry, 'taskharbor_queue_paused')).toEqual(['taskharbor_queue_paused{queue="emails"} 0']);
    second.unregister();
  });

  it('rejects bad options with a ValidationError and registers nothing', async () => {
    const { clock, driver, registry } = setup();
    const bad: [string, () => unknown][] = [
      ['admin', () => collectMetrics({ admin: {} as MemoryDriver, registry })],
      ['queues', () => collectMetrics({ admin: driver, registry, queues: [] })],
      ['queues', () => collectMetrics({ admin: driver, registry, queues: ['ok', ''] })],
      ['cacheMs', () => collectMetrics({ admin: driver, registry, cacheMs: -1 })],
      ['cacheMs', () => collectMetrics({ admin: driver, registry, cacheMs: Number.NaN })],
      ['queueListMs', () => collectMetrics({ admin: driver, registry, queueListMs: Number.POSITIVE_INFINITY })],
      ['registry', () => collectMetrics({ admin: driver, registry: {} as Registry })],
      ['timeoutMs', () => collectMetrics({ admin: driver, registry, timeoutMs: 0 })],
      ['clock', () => collectMetrics({ admin: driver, registry, clock: { now: () => 0 } as FakeClock })],
    ];
    for (const [field, call] of bad) {
      let caught: unknown;
      try {
        call();
      } catch (error) {
        caught = error;
      }
      expect(caught, field).toBeInstanceOf(ValidationError);
      expect((caught as ValidationError).field).toBe(field);
    }
    expect(await registry.metrics()).toBe('\n');

    // A registry that already holds one of the names: a clear error, and the other two are not added.
    new Gauge({ name: METRIC_NAMES.queuePaused, help: 'someone else', registers: [registry] });
    expect(() => collectMetrics({ admin: driver, registry, clock })).toThrow(
      /invalid registry: it already holds a metric named taskharbor_queue_paused/,
    );
    expect(registry.getSingleMetric(METRIC_NAMES.jobs)).toBeUndefined();
    expect(registry.getSingleMetric(METRIC_NAMES.collectErrors)).toBeUndefined();
  });
});
