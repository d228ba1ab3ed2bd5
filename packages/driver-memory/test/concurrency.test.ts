import type { NewJobRecord } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import { MemoryDriver } from '../src/index.js';

const NOW = Date.UTC(2030, 0, 1);
const JOBS = 1000;
const CALLERS = 200;

function job(index: number): NewJobRecord {
  return {
    id: `job-${String(index).padStart(5, '0')}`,
    type: 'work',
    queue: 'default',
    payload: new Uint8Array([index & 0xff]),
    createdAt: NOW,
    maxAttempts: 3,
  };
}

describe('memory driver under concurrent callers', () => {
  it(`hands each of ${JOBS} jobs to exactly one of ${CALLERS} concurrent reservers`, async () => {
    const driver = new MemoryDriver();
    await driver.enqueueMany(
      Array.from({ length: JOBS }, (_, i) => job(i)),
      NOW,
    );
    const deliveries = new Map<string, number>();

    // Each caller reserves small batches and acks them, yielding between
    // steps, so the callers' calls interleave.
    const caller = async (seed: number): Promise<void> => {
      for (;;) {
        const { jobs } = await driver.reserve({ queue: 'default', limit: 1 + (seed % 4), leaseMs: 60_000, now: NOW });
        if (jobs.length === 0) return;
        for (const { job: reserved } of jobs) deliveries.set(reserved.id, (deliveries.get(reserved.id) ?? 0) + 1);
        await Promise.resolve();
        const outcomes = await driver.ackMany(
          jobs.map((reserved) => reserved.lease),
          NOW,
        );
        expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
      }
    };
    await Promise.all(Array.from({ length: CALLERS }, (_, i) => caller(i)));

    expect(deliveries.size).toBe(JOBS);
    expect([...deliveries.values()].every((count) => count === 1)).toBe(true);
    expect(await driver.counts('default')).toMatchObject({ ready: 0, scheduled: 0, inflight: 0, done: 1000, dlq: 0, cancelled: 0 });
    await driver.close();
  });

  it('never hands out a job twice when reserves and releases interleave', async () => {
    const driver = new MemoryDriver();
    await driver.enqueueMany(
      Array.from({ length: JOBS }, (_, i) => job(i)),
      NOW,
    );
    const holders = new Map<string, number>();
    const acked = new Set<string>();

    const caller = async (callerId: number): Promise<void> => {
      for (let round = 0; ; round++) {
        const { jobs } = await driver.reserve({ queue: 'default', limit: 2, leaseMs: 60_000, now: NOW });
        if (jobs.length === 0) return;
        for (const { job: reserved } of jobs) {
          expect(holders.has(reserved.id)).toBe(false);
          holders.set(reserved.id, callerId);
        }
        await Promise.resolve();
        for (const { job: reserved, lease } of jobs) {
          holders.delete(reserved.id);
          // Give every third job back once, so releases race with other callers' reserves.
          if ((round + callerId) % 3 === 0 && !acked.has(`released:${reserved.id}`)) {
            acked.add(`released:${reserved.id}`);
            await driver.release(lease, NOW);
          } else {
            acked.add(reserved.id);
            await driver.ack(lease, NOW);
          }
        }
      }
    };
    await Promise.all(Array.from({ length: CALLERS }, (_, i) => caller(i)));

    expect([...acked].filter((id) => !id.startsWith('released:')).length).toBe(JOBS);
    expect((await driver.counts('default')).done).toBe(1000);
    await driver.close();
  });
});
