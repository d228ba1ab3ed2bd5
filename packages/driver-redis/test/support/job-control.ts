import type { Lease } from '@taskharbor/core';
import type { RedisDriver } from '../../src/index.js';
import { newJob, T0 } from './redis-env.js';

/** Enqueues `count` jobs into the queue and reserves them all at T0 with a 1 s lease. */
export async function runningJobs(driver: RedisDriver, queue: string, count: number): Promise<Lease[]> {
  await driver.enqueueMany(
    Array.from({ length: count }, () => newJob(queue)),
    T0,
  );
  const { jobs } = await driver.reserve({ queue, limit: count, leaseMs: 1000, now: T0 });
  return jobs.map((job) => job.lease);
}

/** Enqueues one job, reserves it and dead-letters it with failure time `at`; returns its id. */
export async function deadJob(driver: RedisDriver, queue: string, at: number, type = 'test.job'): Promise<string> {
  const job = newJob(queue, { type });
  await driver.enqueue(job, T0);
  const { jobs } = await driver.reserve({ queue, limit: 1, leaseMs: 60_000, now: T0 });
  const lease = jobs[0]?.lease;
  if (lease === undefined || lease.jobId !== job.id) throw new Error('the job was not reserved');
  await driver.fail(lease, { attempts: 3, lastError: 'bad', failedAt: at, reason: 'gave up' }, at);
  return job.id;
}
