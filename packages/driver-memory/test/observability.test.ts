import { MAX_WORKERS_LISTED, METRICS_BUCKET_MS, METRICS_RETENTION_MS, type NewJobRecord, type WorkerInfo } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import { MemoryDriver } from '../src/index.js';

const NOW = Date.UTC(2030, 0, 1);

function job(id: string, extra: Partial<NewJobRecord> = {}): NewJobRecord {
  return { id, type: 'work', queue: 'q', payload: new Uint8Array([1]), createdAt: NOW, maxAttempts: 3, ...extra };
}

function info(id: string, startedAt = NOW): WorkerInfo {
  return { id, host: 'h', pid: 1, queues: ['q'], concurrency: 1, running: 0, startedAt, version: '0.1.0' };
}

/** The driver's inner state, read by these memory-only checks. */
function inner(driver: MemoryDriver): {
  workerRegistry: { entries: Map<string, unknown> };
  throughput: { queues: Map<string, { minutes: number[] }> };
} {
  return driver as never;
}

describe('MemoryDriver observability (memory-specific behaviour)', () => {
  it('keeps its own copy of meta: the enqueued object and every record handed out can change freely', async () => {
    const driver = new MemoryDriver();
    const meta = { traceparent: 't1' };
    await driver.enqueue(job('a', { meta }), NOW);
    meta.traceparent = 'changed';
    const { jobs } = await driver.reserve({ queue: 'q', limit: 1, leaseMs: 1000, now: NOW });
    (jobs[0]?.job.meta as Record<string, string>).traceparent = 'changed again';
    expect((await driver.inspect({ queue: 'q', id: 'a' }))?.meta).toEqual({ traceparent: 't1' });
  });

  it('lists at most MAX_WORKERS_LISTED workers, the earliest started left out', async () => {
    const driver = new MemoryDriver();
    for (let i = 0; i <= MAX_WORKERS_LISTED; i++) {
      await driver.registerWorker(info(`w${String(i).padStart(5, '0')}`, NOW - i), { now: NOW, ttlMs: 60_000 });
    }
    const listed = await driver.workers({ now: NOW });
    expect(listed).toHaveLength(MAX_WORKERS_LISTED);
    expect(listed[0]?.id).toBe('w00000');
    expect(listed.some((entry) => entry.id === `w${MAX_WORKERS_LISTED}`)).toBe(false);
  });

  it('prunes expired worker entries a few at a time as workers register', async () => {
    const driver = new MemoryDriver();
    for (let i = 0; i < 40; i++) await driver.registerWorker(info(`old${i}`), { now: NOW, ttlMs: 1000 });
    const entries = inner(driver).workerRegistry.entries;
    expect(entries.size).toBe(40);
    await driver.registerWorker(info('new1'), { now: NOW + 1000, ttlMs: 1000 });
    // One register looks at a bounded number of entries, so some expired ones remain.
    expect(entries.size).toBeGreaterThan(1);
    expect(entries.size).toBeLessThan(41);
    for (let i = 2; i < 10; i++) await driver.registerWorker(info(`new${i}`), { now: NOW + 1000, ttlMs: 1000 });
    expect([...entries.keys()].filter((id) => id.startsWith('old'))).toEqual([]);
  });

  it('returns copies of worker entries', async () => {
    const driver = new MemoryDriver();
    await driver.registerWorker(info('w'), { now: NOW, ttlMs: 1000 });
    const [entry] = await driver.workers({ now: NOW });
    entry?.queues.push('other');
    expect((await driver.workers({ now: NOW }))[0]?.queues).toEqual(['q']);
  });

  it('prunes minutes older than the retention a few at a time as outcomes are counted', async () => {
    const driver = new MemoryDriver();
    const minutes = 20;
    for (let i = 0; i < minutes; i++) {
      await driver.enqueue(job(`a${i}`), NOW);
      const { jobs } = await driver.reserve({ queue: 'q', limit: 1, leaseMs: 1000, now: NOW + i * METRICS_BUCKET_MS });
      await driver.ack(jobs[0]?.lease as never, NOW + i * METRICS_BUCKET_MS);
    }
    const counted = inner(driver).throughput.queues.get('q')?.minutes as number[];
    expect(counted).toHaveLength(minutes);
    const later = NOW + METRICS_RETENTION_MS + minutes * METRICS_BUCKET_MS;
    await driver.enqueue(job('late'), later);
    const { jobs } = await driver.reserve({ queue: 'q', limit: 1, leaseMs: 1000, now: later });
    await driver.ack(jobs[0]?.lease as never, later);
    // One count deletes a bounded number of old minutes: some are still there.
    expect(counted.length).toBeGreaterThan(1);
    expect(counted.length).toBeLessThan(minutes + 1);
    expect(counted[counted.length - 1]).toBe(later - (later % METRICS_BUCKET_MS));
  });

  it('forgets workers and counts on close', async () => {
    const driver = new MemoryDriver();
    await driver.registerWorker(info('w'), { now: NOW, ttlMs: 1000 });
    await driver.enqueue(job('a'), NOW);
    const { jobs } = await driver.reserve({ queue: 'q', limit: 1, leaseMs: 1000, now: NOW });
    await driver.ack(jobs[0]?.lease as never, NOW);
    expect(inner(driver).throughput.queues.size).toBe(1);
    await driver.close();
    expect(inner(driver).workerRegistry.entries.size).toBe(0);
    expect(inner(driver).throughput.queues.size).toBe(0);
  });
});
