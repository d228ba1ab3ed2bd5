import { RateLimitedError, RetryPolicy, sleep, ValidationError } from '@taskharbor/core';
import { MemoryDriver } from '@taskharbor/driver-memory';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_TYPES, instrumentWorker, METRIC_NAMES } from '../src/index.js';
import { samples } from './support/scrape.js';
import { workerSetup } from './support/worker-setup.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function setup() {
  const driver = new MemoryDriver();
  const harness = workerSetup(driver);
  cleanups.push(() => driver.close(), () => harness.close());
  return { driver, registry: new Registry(), ...harness };
}

/** The sample lines of every counter for one queue and type, in a fixed order. */
async function counters(registry: Registry, queue: string, type: string): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  for (const name of ['completed', 'failed', 'retried', 'dead', 'cancelled'] as const) {
    const [line] = await samples(registry, `${METRIC_NAMES[name]}{queue="${queue}",type="${type}"}`);
    result[name] = line === undefined ? Number.NaN : Number(line.split(' ')[1]);
  }
  return result;
}

describe('instrumentWorker', () => {
  it('counts completed, failed, retried, dead-lettered and cancelled jobs and records run durations, from a real worker', async () => {
    const { driver, registry, clock, client, worker: makeWorker, until } = setup();
    const worker = makeWorker({ concurrency: 5, retryPolicy: RetryPolicy.fixed(0) });
    instrumentWorker(worker, { registry });
    worker.register('report.build', async () => sleep(clock, 300));
    worker.register('email.send', async () => {
      throw new Error('smtp down');
    });
    worker.register('video.encode', (_job, ctx) => new Promise((resolve) => ctx.signal.addEventListener('abort', resolve)));
    const seen: string[] = [];
    for (const event of ['dead', 'cancelled', 'completed'] as const) worker.on(event, () => seen.push(event));

    await client.enqueue('report.build', {});
    await client.enqueue('email.send', {}, { maxAttempts: 2 });
    const video = await client.enqueue('video.encode', {});
    await worker.start();
    await until(() => seen.includes('dead'), 'the email job dead-lettered');
    await until(async () => (await driver.inspect({ queue: 'default', id: video.id }))?.status === 'inflight', 'the video job runs');
    await clock.advance(300);
    await until(() => seen.includes('completed'), 'the report job completed');
    await clock.advance(1_700);
    await driver.cancel({ queue: 'default', id: video.id }, { now: clock.now() });
    await until(() => seen.includes('cancelled'), 'the video job cancelled');

    // Series appear in the order their queue and type were first seen (the email job failed first), each counter started at 0.
    expect(await samples(registry, METRIC_NAMES.completed)).toEqual([
      'taskharbor_jobs_completed_total{queue="default",type="email.send"} 0',
      'taskharbor_jobs_completed_total{queue="default",type="report.build"} 1',
      'taskharbor_jobs_completed_total{queue="default",type="video.encode"} 0',
    ]);
    expect(await counters(registry, 'default', 'email.send')).toEqual({ completed: 0, failed: 2, retried: 1, dead: 1, cancelled: 0 });
    expect(await counters(registry, 'default', 'video.encode')).toEqual({ completed: 0, failed: 0, retried: 0, dead: 0, cancelled: 1 });
    expect(await counters(registry, 'default', 'report.build')).toEqual({ completed: 1, failed: 0, retried: 0, dead: 0, cancelled: 0 });

    expect(await samples(registry, METRIC_NAMES.duration)).toEqual([
      ...histogram('default', 'email.send', 'failed', [0, 0]),
      ...histogram('default', 'report.build', 'completed', [0.3]),
      ...histogram('default', 'video.encode', 'cancelled', [2]),
    ]);
  });

  it('counts and times snoozed and rate-limited runs (flow control) apart from failures', async () => {
    const { registry, clock, client, worker: makeWorker, until } = setup();
    const worker = makeWorker({ concurrency: 2 });
    instrumentWorker(worker, { registry });
    worker.register('poll', async (job, ctx) => {
      await sleep(clock, 100);
      if (job.snoozes === 0) ctx.snooze(60_000);
    });
    worker.register('call', async () => {
      await sleep(clock, 200);
      throw new RateLimitedError(60_000);
    });
    const seen: string[] = [];
    for (const event of ['snoozed', 'rateLimited'] as const) worker.on(event, () => seen.push(event));
    await client.enqueue('poll', {});
    await client.enqueue('call', {}, { group: 'acme' });
    await worker.start();
    await until(() => seen.length === 0, 'started');
    await clock.advance(200);
    await until(() => seen.length === 2, 'both runs ended');

    expect(await samples(registry, `${METRIC_NAMES.snoozed}{queue="default",type="poll"}`)).toEqual([
      'taskharbor_jobs_snoozed_total{queue="default",type="poll"} 1',
    ]);
    expect(await samples(registry, `${METRIC_NAMES.rateLimited}{queue="default",type="call"}`)).toEqual([
      'taskharbor_jobs_rate_limited_total{queue="default",type="call"} 1',
    ]);
    expect(await counters(registry, 'default', 'call')).toMatchObject({ failed: 0, retried: 0 });
    expect(await samples(registry, METRIC_NAMES.duration)).toEqual([
      ...histogram('default', 'poll', 'snoozed', [0.1]),
      ...histogram('default', 'call', 'rate_limited', [0.2]),
    ]);
  });

  it('keeps the type label bounded: types beyond maxTypes are reported as other, and no job id is ever a label', async () => {
    const { registry, client, worker: makeWorker, until } = setup();
    const worker = makeWorker({ concurrency: 1, onMissingHandler: 'fail' });
    instrumentWorker(worker, { registry, maxTypes: 2 });
    for (const type of ['a', 'b', 'c', 'd']) worker.register(type, () => {});
    const ids: string[] = [];
    for (const type of ['a', 'b', 'c', 'd', 'a', 'unknown.type']) ids.push((await client.enqueue(type, {})).id);
    let finished = 0;
    worker.on('completed', () => finished++);
    worker.on('dead', () => finished++);
    await worker.start();
    await until(() => finished === 6, 'every job finished');

    expect(await samples(registry, METRIC_NAMES.completed)).toEqual([
      'taskharbor_jobs_completed_total{queue="default",type="a"} 2',
      'taskharbor_jobs_completed_total{queue="default",type="b"} 1',
      'taskharbor_jobs_completed_total{queue="default",type="other"} 2',
    ]);
    // The job of a type no handler knows fails and is dead-lettered under `other` too.
    expect(await samples(registry, METRIC_NAMES.dead)).toEqual([
      'taskharbor_jobs_dead_total{queue="default",type="a"} 0',
      'taskharbor_jobs_dead_total{queue="default",type="b"} 0',
      'taskharbor_jobs_dead_total{queue="default",type="other"} 1',
    ]);
    const text = await registry.metrics();
    for (const id of ids) expect(text).not.toContain(id);
    expect(new Set([...text.matchAll(/type="([^"]*)"/g)].map((match) => match[1]))).toEqual(new Set(['a', 'b', 'other']));
    expect(DEFAULT_MAX_TYPES).toBe(50);
  });

  it('workers instrumented on one registry add to the same series; detach stops counting and keeps the values', async () => {
    const { driver, registry, client, worker: makeWorker, until } = setup();
    const first = makeWorker({ queues: ['emails'] });
    const second = makeWorker({ queues: ['emails', 'reports'] });
    const detachFirst = instrumentWorker(first, { registry });
    const detachSecond = instrumentWorker(second, { registry });
    for (const worker of [first, second]) worker.register('job', () => {});
    for (let i = 0; i < 4; i++) await client.enqueue('job', {}, { queue: 'emails' });
    await client.enqueue('job', {}, { queue: 'reports' });
    await Promise.all([first.start(), second.start()]);
    await until(async () => (await driver.counts('emails')).done === 4 && (await driver.counts('reports')).done === 1, 'all done');
    await until(
      async () =>
        (await samples(registry, METRIC_NAMES.completed)).join('\n') ===
        [
          'taskharbor_jobs_completed_total{queue="emails",type="job"} 4',
          'taskharbor_jobs_completed_total{queue="reports",type="job"} 1',
        ].join('\n'),
      'both workers counted',
    );

    detachFirst();
    detachSecond();
    detachSecond();
    await client.enqueue('job', {}, { queue: 'emails' });
    await until(async () => (await driver.counts('emails')).done === 5, 'the fifth job done');
    expect(await samples(registry, METRIC_NAMES.completed)).toEqual([
      'taskharbor_jobs_completed_total{queue="emails",type="job"} 4',
      'taskharbor_jobs_completed_total{queue="reports",type="job"} 1',
    ]);
  });

  it('rejects bad options with a ValidationError, and settings that differ from the registry\'s first call', () => {
    const { registry, worker: makeWorker } = setup();
    const worker = makeWorker();
    const bad: [string, () => unknown][] = [
      ['worker', () => instrumentWorker({} as never, { registry })],
      ['maxTypes', () => instrumentWorker(worker, { registry, maxTypes: 0 })],
      ['maxTypes', () => instrumentWorker(worker, { registry, maxTypes: 1.5 })],
      ['buckets', () => instrumentWorker(worker, { registry, buckets: [] })],
      ['buckets', () => instrumentWorker(worker, { registry, buckets: [1, 0.5] })],
      ['buckets', () => instrumentWorker(worker, { registry, buckets: [-1] })],
      ['registry', () => instrumentWorker(worker, { registry: {} as Registry })],
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
    expect(registry.getSingleMetric(METRIC_NAMES.completed)).toBeUndefined();

    instrumentWorker(worker, { registry, maxTypes: 10, buckets: [1, 2] });
    expect(() => instrumentWorker(worker, { registry, maxTypes: 11 })).toThrow(/made with maxTypes 10/);
    expect(() => instrumentWorker(worker, { registry, buckets: [1, 3] })).toThrow(/made with buckets 1, 2/);
    expect(() => instrumentWorker(worker, { registry, maxTypes: 10 })).not.toThrow();
  });
});

const BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900];

/** The lines prom-client writes for one histogram series holding these observations (default buckets). */
function histogram(queue: string, type: string, outcome: string, observed: number[]): string[] {
  const labels = `queue="${queue}",type="${type}",outcome="${outcome}"`;
  return [
    ...BUCKETS.map((bound) => `taskharbor_job_duration_seconds_bucket{le="${bound}",${labels}} ${observed.filter((value) => value <= bound).length}`),
    `taskharbor_job_duration_seconds_bucket{le="+Inf",${labels}} ${observed.length}`,
    `taskharbor_job_duration_seconds_sum{${labels}} ${observed.reduce((sum, value) => sum + value, 0)}`,
    `taskharbor_job_duration_seconds_count{${labels}} ${observed.length}`,
  ];
}
