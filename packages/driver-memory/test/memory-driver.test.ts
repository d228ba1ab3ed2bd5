import { DriverClosedError, type NewJobRecord, ValidationError } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import { MemoryDriver } from '../src/index.js';

const NOW = Date.UTC(2030, 0, 1);

function job(id: string, extra: Partial<NewJobRecord> = {}): NewJobRecord {
  return { id, type: 'work', queue: 'q', payload: new Uint8Array([1, 2, 3]), createdAt: NOW, maxAttempts: 3, ...extra };
}

describe('MemoryDriver (memory-specific behaviour)', () => {
  it('stores a copy of the payload and hands out copies', async () => {
    const driver = new MemoryDriver();
    const payload = new Uint8Array([1, 2, 3]);
    await driver.enqueue(job('a', { payload }), NOW);
    payload[0] = 9;

    const inspected = await driver.inspect({ queue: 'q', id: 'a' });
    expect(inspected?.payload).toEqual(new Uint8Array([1, 2, 3]));
    (inspected?.payload as Uint8Array)[1] = 9;

    const { jobs } = await driver.reserve({ queue: 'q', limit: 1, leaseMs: 1000, now: NOW });
    expect(jobs[0]?.job.payload).toEqual(new Uint8Array([1, 2, 3]));
    (jobs[0]?.job as { attempts: number }).attempts = 99;
    expect((await driver.inspect({ queue: 'q', id: 'a' }))?.attempts).toBe(0);
  });

  it('leaves no waiter or abort listener behind once a wait settles', async () => {
    const driver = new MemoryDriver();
    const controller = new AbortController();
    let listeners = 0;
    const signal = controller.signal;
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    signal.addEventListener = ((...args: Parameters<typeof add>) => {
      listeners++;
      add(...args);
    }) as typeof add;
    signal.removeEventListener = ((...args: Parameters<typeof remove>) => {
      listeners--;
      remove(...args);
    }) as typeof remove;

    for (let i = 0; i < 3; i++) {
      const waiting = driver.waitForWork({ queues: ['q', 'other'], signal });
      await driver.enqueue(job(`j${i}`), NOW);
      await waiting;
    }
    expect(listeners).toBe(0);
    expect((driver as unknown as { waiters: { pending: number } }).waiters.pending).toBe(0);
  });

  it('rejects invalid retention settings when constructed', () => {
    expect(() => new MemoryDriver({ retention: { maxDoneCount: -1 } })).toThrow(ValidationError);
    expect(() => new MemoryDriver({ retention: { maxDoneAgeMs: 1.5 } })).toThrow(ValidationError);
    expect(() => new MemoryDriver({ retention: { maxDoneCount: Number.POSITIVE_INFINITY } })).not.toThrow();
  });

  it('keeps at most 1,000 done jobs per queue by default', async () => {
    const driver = new MemoryDriver();
    await driver.enqueueMany(
      Array.from({ length: 1005 }, (_, i) => job(`j${String(i).padStart(4, '0')}`)),
      NOW,
    );
    const { jobs } = await driver.reserve({ queue: 'q', limit: 1005, leaseMs: 60_000, now: NOW });
    for (const [i, reserved] of jobs.entries()) await driver.ack(reserved.lease, NOW + i);
    expect((await driver.counts('q')).done).toBe(1000);
    expect(await driver.inspect({ queue: 'q', id: 'j0004' })).toBeUndefined();
    expect(await driver.inspect({ queue: 'q', id: 'j0005' })).toBeDefined();
  });

  it('refuses a cursor it did not make', async () => {
    const driver = new MemoryDriver();
    await expect(driver.list({ queue: 'q', limit: 10, cursor: 'not-a-cursor' })).rejects.toThrow(ValidationError);
  });

  it('does not list a queue that was only reserved from or waited on', async () => {
    const driver = new MemoryDriver();
    await driver.reserve({ queue: 'empty', limit: 1, leaseMs: 1000, now: NOW });
    const controller = new AbortController();
    const waiting = driver.waitForWork({ queues: ['idle'], signal: controller.signal });
    controller.abort();
    await waiting;
    expect(await driver.queues()).toEqual([]);
    await driver.close();
    await expect(driver.queues()).rejects.toThrow(DriverClosedError);
  });
});
