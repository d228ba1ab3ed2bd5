import type { NewJobRecord } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import { MemoryDriver } from '../src/index.js';
import { PriorityLanes } from '../src/priority-lanes.js';
import type { QueueState } from '../src/queue-state.js';
import { RateWindow } from '../src/rate-window.js';
import type { StoredJob } from '../src/stored-job.js';

const NOW = Date.UTC(2030, 0, 1);

function job(id: string, extra: Partial<NewJobRecord> = {}): NewJobRecord {
  return { id, type: 'work', queue: 'q', payload: new Uint8Array([1]), createdAt: NOW, maxAttempts: 3, ...extra };
}

/** Shows a queue's state, to see which structures it uses. */
class InspectableDriver extends MemoryDriver {
  stateOf(queue: string): QueueState | undefined {
    return this.queueStates.get(queue);
  }
}

async function reserveIds(driver: MemoryDriver, limit = 10): Promise<string[]> {
  const { jobs } = await driver.reserve({ queue: 'q', limit, leaseMs: 1000, now: NOW });
  return jobs.map((reserved) => reserved.job.id);
}

describe('MemoryDriver flow state', () => {
  it('keeps a plain queue on its ready list, with no flow state', async () => {
    const driver = new InspectableDriver();
    await driver.enqueue(job('a'), NOW);
    await driver.enqueue(job('b', { priority: 0 }), NOW);
    await driver.flowState('q');
    await driver.groupState('q', 'g');
    expect(driver.stateOf('q')?.flow).toBeUndefined();
    expect(driver.stateOf('q')?.ready.size).toBe(2);
  });

  it('moves waiting jobs over in order, and counts the jobs in flight, when a queue first needs flow state', async () => {
    const driver = new InspectableDriver();
    for (const id of ['a', 'b', 'c']) await driver.enqueue(job(id), NOW);
    expect(await reserveIds(driver, 1)).toEqual(['a']);
    await driver.setGroupLimits('q', { concurrency: 1 });
    expect(driver.stateOf('q')?.flow).toBeDefined();
    expect(driver.stateOf('q')?.ready.size).toBe(0);
    expect((await driver.counts('q')).ready).toBe(2);
    // The running job counts against the jobs-without-a-group slot.
    expect(await reserveIds(driver)).toEqual([]);
    await driver.setGroupLimits('q', {});
    expect(await reserveIds(driver)).toEqual(['b', 'c']);
  });
});

describe('RateWindow', () => {
  it('is blocked until enough starts leave the window, also after the limit shrinks', () => {
    const window = new RateWindow();
    for (const at of [0, 100, 200, 300]) window.record(at);
    expect(window.blockedUntil(300, 5, 1000)).toBeUndefined();
    expect(window.blockedUntil(300, 4, 1000)).toBe(1000);
    expect(window.blockedUntil(300, 2, 1000)).toBe(1200);
    expect(window.blockedUntil(1000, 4, 1000)).toBeUndefined();
    expect(window.size).toBe(3);
  });
});

describe('PriorityLanes', () => {
  it('pops by priority, FIFO within one, front pushes first, and removes from the middle', () => {
    const lanes = new PriorityLanes();
    const make = (id: string, priority?: number) => ({ id, priority }) as StoredJob;
    const jobs = [make('a', 5), make('b'), make('c', -1), make('d', 5), make('e')];
    for (const one of jobs) lanes.pushBack(one);
    lanes.pushFront(make('f', 5));
    expect(lanes.remove(jobs[1] as StoredJob)).toBe(true);
    expect(lanes.remove(jobs[1] as StoredJob)).toBe(false);
    const order: string[] = [];
    for (let next = lanes.popFront(); next; next = lanes.popFront()) order.push(next.id);
    expect(order).toEqual(['c', 'e', 'f', 'a', 'd']);
    expect(lanes.size).toBe(0);
  });
});
