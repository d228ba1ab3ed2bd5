import { type Admin, type Driver, type JobControl, type JobRecord, type JobRef, requireJobControl } from '@taskharbor/core';
import { expect } from 'vitest';
import { enqueueAndReserve, enqueueJob, failUpdate, refOf } from './fixtures.js';
import type { Harness } from './setup.js';

/** The driver of a case that tests job control. */
export type JobControlDriver = Driver & Admin & JobControl;

/** The harness's driver as a job-control driver; the job-control cases only run on drivers that declare it. */
export function control(h: Harness): JobControlDriver {
  return requireJobControl(h.driver, 'run the job-control cases');
}

/** How long a case waits, in real time, for a push that should come; only a failing driver waits this long. */
export const PUSH_GUARD_MS = 2000;

/** The stored record, which the case expects to exist. */
export async function recordOf(h: Harness, ref: JobRef): Promise<JobRecord> {
  const record = await h.driver.inspect(ref);
  if (record === undefined) return expect.fail(`job ${ref.id} should exist in queue ${ref.queue}`);
  return record;
}

/** One job of each waiting and finished status, for cases that go through them all. */
export async function jobInEachStatus(h: Harness): Promise<Record<'ready' | 'scheduled' | 'done' | 'dlq' | 'cancelled', JobRef>> {
  // enqueueAndReserve needs a queue with no other ready job, so the finished ones come first.
  const done = await enqueueAndReserve(h);
  await h.driver.ack(done.lease, h.clock.now());
  const dead = await enqueueAndReserve(h);
  await h.driver.fail(dead.lease, failUpdate(h), h.clock.now());
  const cancelled = await enqueueJob(h);
  await control(h).cancel({ queue: h.queue, id: cancelled.id }, { now: h.clock.now() });
  const scheduled = await enqueueJob(h, { runAt: h.clock.now() + 60_000 });
  const ready = await enqueueJob(h);
  return {
    ready: { queue: h.queue, id: ready.id },
    scheduled: { queue: h.queue, id: scheduled.id },
    done: refOf(done.lease),
    dlq: refOf(dead.lease),
    cancelled: { queue: h.queue, id: cancelled.id },
  };
}

/** Races a promise against a real-time guard; 'timeout' when the guard wins. */
export async function withinGuard<T>(promise: Promise<T>, ms = PUSH_GUARD_MS): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  try {
    return await Promise.race([promise, guard]);
  } finally {
    clearTimeout(timer);
  }
}
