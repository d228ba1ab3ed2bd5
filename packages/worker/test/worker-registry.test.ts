import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { ValidationError } from '@taskharbor/core';
import { FakeClock } from '@taskharbor/testkit';
import { describe, expect, it } from 'vitest';
import { type Logger, WORKER_VERSION, Worker } from '../src/index.js';
import { Gate, HOUR, harness } from './support/harness.js';
import { withoutJobControl } from './support/instrument.js';

const TTL = 30_000;

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, debug() {}, info() {}, warn: (_fields, message) => warnings.push(message), error() {} };
}

describe('live-worker registry', () => {
  it('registry_lists_the_worker_once_start_resolves_with_what_it_is', async () => {
    const h = harness();
    const { worker } = h.worker({ queues: ['mail', 'reports'], concurrency: 4 });
    const startedAt = h.clock.now();
    await worker.start();

    const entries = await h.driver.workers({ now: h.clock.now() });
    expect(entries).toHaveLength(1);
    const [entry] = entries;
    expect(entry).toMatchObject({
      host: hostname(),
      pid: process.pid,
      queues: ['mail', 'reports'],
      concurrency: 4,
      running: 0,
      startedAt,
      lastSeenAt: startedAt,
      expiresAt: startedAt + TTL,
      version: WORKER_VERSION,
    });
    expect(entry?.id).toContain(`${hostname()}:${process.pid}:`);
  });

  it('registry_gives_each_worker_of_one_process_its_own_id', async () => {
    const h = harness();
    await h.worker().worker.start();
    await h.worker().worker.start();
    const ids = (await h.driver.workers({ now: h.clock.now() })).map((entry) => entry.id);
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(2);
  });

  it('registry_version_is_the_worker_package_version', () => {
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(WORKER_VERSION).toBe(version);
  });

  it('registry_refreshes_every_third_of_the_ttl_with_the_running_count_and_nothing_per_job', async () => {
    const h = harness();
    const gate = new Gate();
    const { worker, events } = h.worker({ concurrency: 3, registryTtlMs: TTL });
    worker.register('hold', () => gate.promise);
    worker.register('quick', () => undefined);
    await worker.start();
    expect(h.driver.count('registerWorker')).toBe(1);

    await h.client.enqueue('hold', undefined);
    await h.client.enqueue('hold', undefined);
    for (let i = 0; i < 10; i++) await h.client.enqueue('quick', undefined);
    await h.until(() => events.of('completed').length === 10 && worker.activeCount === 2, 'quick jobs done, two held');
    // Twelve jobs ran or started: no registry call for any of them.
    expect(h.driver.count('registerWorker')).toBe(1);

    await h.clock.advance(TTL / 3 - 1);
    expect(h.driver.count('registerWorker')).toBe(1);
    await h.clock.advance(1);
    expect(h.driver.count('registerWorker')).toBe(2);
    const [entry] = await h.driver.workers({ now: h.clock.now() });
    expect(entry?.running).toBe(2);
    expect(entry?.lastSeenAt).toBe(h.clock.now());
    expect(entry?.expiresAt).toBe(h.clock.now() + TTL);

    gate.resolve();
    await h.until(() => events.of('completed').length === 12, 'held jobs done');
    await h.clock.advance(TTL / 3);
    expect(h.driver.count('registerWorker')).toBe(3);
    const [after] = await h.driver.workers({ now: h.clock.now() });
    expect(after?.running).toBe(0);
  });

  it('registry_removes_the_worker_on_close_after_its_jobs_settle', async () => {
    const h = harness();
    const gate = new Gate();
    const { worker, events } = h.worker();
    worker.register('hold', () => gate.promise);
    await h.client.enqueue('hold', undefined);
    await worker.start();
    await h.until(() => events.of('active').length === 1, 'started');

    const closed = worker.close({ graceMs: 60_000 });
    await h.clock.flush();
    expect(h.driver.count('removeWorker')).toBe(0);
    expect(await h.driver.workers({ now: h.clock.now() })).toHaveLength(1);

    gate.resolve();
    await closed;
    expect(events.of('completed')).toHaveLength(1);
    expect(h.driver.count('removeWorker')).toBe(1);
    expect(await h.driver.workers({ now: h.clock.now() })).toEqual([]);
    // No refresh after close.
    const calls = h.driver.count('registerWorker');
    await h.clock.advance(TTL);
    expect(h.driver.count('registerWorker')).toBe(calls);
  });

  it('registry_drops_a_worker_that_died_without_closing_after_the_ttl', async () => {
    const h = harness();
    // This worker's own time stops (its process is gone): it refreshes no more, and never closes.
    const frozen = new FakeClock(h.clock.now());
    const dead = new Worker(h.driver, { clock: frozen, keepAlive: false, pollIntervalMs: HOUR, scheduleCheckMs: 0, registryTtlMs: TTL });
    await dead.start();
    const { worker: alive } = h.worker({ registryTtlMs: TTL });
    await alive.start();
    expect(await h.driver.workers({ now: h.clock.now() })).toHaveLength(2);

    await h.clock.advance(TTL - 1);
    expect(await h.driver.workers({ now: h.clock.now() })).toHaveLength(2);
    await h.clock.advance(1);
    const left = await h.driver.workers({ now: h.clock.now() });
    expect(left).toHaveLength(1);
    expect(left[0]?.lastSeenAt).toBeGreaterThan(frozen.now());
    await dead.close({ graceMs: 0 });
  });

  it('registry_warns_on_a_failing_register_keeps_working_and_registers_at_the_next_tick', async () => {
    const h = harness();
    const logger = recordingLogger();
    h.driver.override('registerWorker', () => Promise.reject(new Error('store down')));
    const { worker, events } = h.worker({ logger, registryTtlMs: TTL });
    worker.register('quick', () => 'ok');
    await worker.start();
    expect(logger.warnings.filter((line) => line.includes('register'))).toHaveLength(1);
    expect(await h.driver.workers({ now: h.clock.now() })).toEqual([]);

    await h.client.enqueue('quick', undefined);
    await h.until(() => events.of('completed').length === 1, 'job ran without a registration');
    expect(events.of('error')).toEqual([]);

    h.driver.restore('registerWorker');
    await h.clock.advance(TTL / 3);
    expect(await h.driver.workers({ now: h.clock.now() })).toHaveLength(1);
    expect(worker.status).toBe('started');
  });

  it('registry_is_not_used_on_a_driver_without_observability', async () => {
    const h = harness();
    const gate = new Gate();
    const worker = new Worker(withoutJobControl(h.driver), { clock: h.clock, keepAlive: false, pollIntervalMs: HOUR, scheduleCheckMs: 0 });
    worker.register('hold', () => gate.promise);
    await h.client.enqueue('hold', undefined);
    await worker.start();
    await h.until(() => worker.activeCount === 1, 'running');
    await h.clock.advance(TTL);
    gate.resolve();
    await worker.close();
    expect(h.driver.count('registerWorker')).toBe(0);
    expect(h.driver.count('removeWorker')).toBe(0);
  });

  it('registry_ttl_option_is_validated', () => {
    const h = harness();
    for (const registryTtlMs of [999, 1_500.5, 24 * HOUR + 1, Number.NaN]) {
      expect(() => h.worker({ registryTtlMs })).toThrow(ValidationError);
    }
    expect(() => h.worker({ registryTtlMs: 1_000 })).not.toThrow();
  });
});

describe('job meta', () => {
  it('meta_given_at_enqueue_reaches_the_handler_as_job_meta', async () => {
    const h = harness<{ traced: undefined; plain: undefined }>();
    const { worker, events } = h.worker();
    const seen: Record<string, Readonly<Record<string, string>>> = {};
    worker.register('traced', (job) => {
      seen.traced = job.meta;
    });
    worker.register('plain', (job) => {
      seen.plain = job.meta;
    });
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    await h.client.enqueue('traced', undefined, { meta: { traceparent, tenant: 'acme' } });
    await h.client.enqueue('plain', undefined);
    await worker.start();
    await h.until(() => events.of('completed').length === 2, 'both ran');
    expect(seen.traced).toEqual({ traceparent, tenant: 'acme' });
    expect(seen.plain).toEqual({});
  });
});
