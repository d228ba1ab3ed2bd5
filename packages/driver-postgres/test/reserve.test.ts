import { describe, expect, it } from 'vitest';
import { RESERVE_DUE_BOUND } from '../src/index.js';
import { newJob, SKIP_POSTGRES, T0, uniqueQueue, usePostgresFile } from './support/postgres-env.js';

describe.skipIf(SKIP_POSTGRES)('reserve on PostgreSQL', () => {
  const file = usePostgresFile('reserve');

  it('concurrent_reserves_from_several_drivers_hand_out_each_job_once', async () => {
    const drivers = await Promise.all([file.driver(), file.driver(), file.driver()]);
    const queue = uniqueQueue();
    const jobs = Array.from({ length: 300 }, () => newJob(queue));
    await (drivers[0] as (typeof drivers)[number]).enqueueMany(jobs, T0);
    const batches = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        (drivers[i % 3] as (typeof drivers)[number]).reserve({ queue, limit: 30, leaseMs: 60_000, now: T0 }),
      ),
    );
    const ids = batches.flatMap((batch) => batch.jobs.map((reserved) => reserved.job.id));
    expect(new Set(ids).size).toBe(ids.length);
    const rest = await (drivers[0] as (typeof drivers)[number]).reserve({ queue, limit: 1000, leaseMs: 60_000, now: T0 });
    expect(ids.length + rest.jobs.length).toBe(300);
  });

  it('a_due_backlog_larger_than_one_step_moves_in_bounded_steps_and_reports_itself_due', async () => {
    const driver = await file.driver();
    const queue = uniqueQueue();
    const total = RESERVE_DUE_BOUND + 50;
    await driver.enqueueMany(
      Array.from({ length: total }, (_, i) => newJob(queue, { runAt: T0 + 1 + i })),
      T0,
    );
    const now = T0 + total + 10;
    const first = await driver.reserve({ queue, limit: 1, leaseMs: 60_000, now });
    expect(first.nextDueAt).toBe(now);
    expect(await driver.counts(queue)).toMatchObject({ inflight: 1, ready: RESERVE_DUE_BOUND - 1, scheduled: 50 });
    const second = await driver.reserve({ queue, limit: 1, leaseMs: 60_000, now });
    expect(second.nextDueAt).toBe(now + 60_000);
    expect(await driver.counts(queue)).toMatchObject({ inflight: 2, scheduled: 0 });
  });

  it('ready_order_survives_a_new_driver_released_jobs_first_then_enqueue_order', async () => {
    const driver = await file.driver();
    const queue = uniqueQueue();
    const jobs = Array.from({ length: 4 }, () => newJob(queue));
    await driver.enqueueMany(jobs, T0);
    const taken = await driver.reserve({ queue, limit: 2, leaseMs: 60_000, now: T0 });
    for (const reserved of taken.jobs) await driver.release(reserved.lease, T0 + 1);
    const later = await file.driver();
    const order = await later.reserve({ queue, limit: 4, leaseMs: 60_000, now: T0 + 2 });
    // Each release goes before the head, so the second released job comes first.
    expect(order.jobs.map((reserved) => reserved.job.id)).toEqual([jobs[1]?.id, jobs[0]?.id, jobs[2]?.id, jobs[3]?.id]);
  });
});
