import {
  InvalidJobStateError,
  JobNotFoundError,
  JobNotInFlightError,
  type JobRef,
  LeaseMismatchError,
  ValidationError,
} from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import { runningJobs } from './support/job-control.js';
import { newJob, SKIP_REDIS, T0, uniqueQueue, useRedisFile } from './support/redis-env.js';
import { indexIds } from './support/id-index.js';

describe.skipIf(SKIP_REDIS)('job control: cancel (Redis)', () => {
  const redis = useRedisFile('jc-cancel');

  it('a_ready_or_scheduled_job_is_cancelled_at_once_and_never_handed_out', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    const ready = newJob(queue);
    const scheduled = newJob(queue, { runAt: T0 + 1000 });
    const other = newJob(queue);
    await driver.enqueueMany([ready, scheduled, other], T0);
    expect(await driver.cancel({ queue, id: ready.id }, { now: T0 + 1, reason: 'mistake' })).toEqual({ status: 'cancelled' });
    expect(await driver.cancel({ queue, id: scheduled.id }, { now: T0 + 2 })).toEqual({ status: 'cancelled' });
    expect(await driver.inspect({ queue, id: ready.id })).toMatchObject({ status: 'cancelled', cancelledAt: T0 + 1, cancelReason: 'mistake' });
    const record = await driver.inspect({ queue, id: scheduled.id });
    expect(record).toMatchObject({ status: 'cancelled', cancelledAt: T0 + 2 });
    expect(record?.cancelReason).toBeUndefined();
    expect(record?.lease).toBeUndefined();
    const { jobs } = await driver.reserve({ queue, limit: 10, leaseMs: 1000, now: T0 + 5000 });
    expect(jobs.map((job) => job.job.id)).toEqual([other.id]);
    expect(await driver.counts(queue)).toMatchObject({ ready: 0, scheduled: 0, inflight: 1, cancelled: 2 });
    expect(await redis.raw.zrange(`${redis.prefix}:{${queue}}:cancelled`, 0, -1, 'WITHSCORES')).toEqual([
      ready.id,
      String(T0 + 1),
      scheduled.id,
      String(T0 + 2),
    ]);
  });

  it('an_inflight_job_gets_a_request_that_extend_reports_and_its_ack_finishes_as_cancelled', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    const [lease] = await runningJobs(driver, queue, 1);
    const ref = { queue, id: lease!.jobId };
    expect(await driver.cancel(ref, { now: T0 + 10, reason: 'stop' })).toEqual({ status: 'cancelling' });
    expect(await driver.cancel(ref, { now: T0 + 20, reason: 'again' })).toEqual({ status: 'cancelling' });
    expect(await driver.inspect(ref)).toMatchObject({ status: 'inflight', cancelRequestedAt: T0 + 10, cancelReason: 'stop' });
    const extended = await driver.extendLease(lease!, 1000, T0 + 30);
    expect(extended).toEqual({ ...lease!, expiresAt: T0 + 1030, cancelRequested: true });
    const [batch] = await driver.extendLeases([lease!], 1000, T0 + 40);
    expect(batch).toEqual({ ok: true, value: { ...lease!, expiresAt: T0 + 1040, cancelRequested: true } });
    await driver.ack(lease!, T0 + 50, { result: Uint8Array.of(9) });
    const record = await driver.inspect(ref);
    expect(record).toMatchObject({ status: 'cancelled', cancelledAt: T0 + 50, cancelRequestedAt: T0 + 10, lease: { token: lease!.token } });
    expect(record?.result).toBeUndefined();
    expect(record?.lease?.expiresAt).toBeUndefined();
    // Repeats with the last token succeed; another token is a late writer; the rest find no job in flight.
    await driver.ack(lease!, T0 + 60);
    await driver.fail(lease!, { attempts: 1, failedAt: T0, reason: 'x' }, T0 + 60);
    await expect(driver.ack({ ...lease!, token: 'other' }, T0 + 60)).rejects.toBeInstanceOf(LeaseMismatchError);
    await expect(driver.retry(lease!, { attempts: 1, failedAt: T0 }, T0 + 60)).rejects.toBeInstanceOf(JobNotInFlightError);
    await expect(driver.release(lease!, T0 + 60)).rejects.toBeInstanceOf(JobNotInFlightError);
    await expect(driver.extendLease(lease!, 1000, T0 + 60)).rejects.toBeInstanceOf(JobNotInFlightError);
    expect(await driver.inspect(ref)).toEqual(record);
  });

  it('retry_fail_release_and_a_reclaim_of_a_job_with_a_request_all_end_cancelled', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    const [a, b, c, d] = await runningJobs(driver, queue, 4);
    for (const lease of [a, b, c, d]) await driver.cancel({ queue, id: lease!.jobId }, { now: T0 + 1 });
    await driver.retry(a!, { attempts: 1, lastError: 'boom', failedAt: T0 + 2 }, T0 + 2);
    await driver.fail(b!, { attempts: 3, lastError: 'bad', failedAt: T0 + 3, reason: 'gave up' }, T0 + 3);
    await driver.release(c!, T0 + 4);
    const reserved = await driver.reserve({ queue, limit: 10, leaseMs: 1000, now: T0 + 5000 });
    expect(reserved.jobs).toEqual([]);
    const records = await Promise.all([a, b, c, d].map((lease) => driver.inspect({ queue, id: lease!.jobId })));
    expect(records.map((record) => [record?.status, record?.cancelledAt])).toEqual([
      ['cancelled', T0 + 2],
      ['cancelled', T0 + 3],
      ['cancelled', T0 + 4],
      ['cancelled', T0 + 5000],
    ]);
    expect(records[0]).toMatchObject({ attempts: 1, lastError: 'boom', errors: [{ attempt: 1, message: 'boom', at: T0 + 2 }] });
    expect(records[1]).toMatchObject({ attempts: 3, lastError: 'bad' });
    expect(records[1]?.dlqReason).toBeUndefined();
    expect(records[3]).toMatchObject({ reclaims: 0, lease: { token: d!.token } });
    expect(await driver.counts(queue)).toMatchObject({ ready: 0, inflight: 0, dlq: 0, cancelled: 4 });
  });

  it('finished_and_unknown_jobs_refuse_a_cancel_and_nothing_changes', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    const [lease] = await runningJobs(driver, queue, 1);
    await driver.ack(lease!, T0 + 1);
    const ref = { queue, id: lease!.jobId };
    const before = await driver.inspect(ref);
    const error = await driver.cancel(ref, { now: T0 + 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidJobStateError);
    expect(error).toMatchObject({ code: 'INVALID_JOB_STATE', status: 'done' });
    expect(await driver.inspect(ref)).toEqual(before);
    await expect(driver.cancel({ queue, id: 'nope' }, { now: T0 })).rejects.toBeInstanceOf(JobNotFoundError);
    await expect(driver.cancel(ref, { now: -1 })).rejects.toBeInstanceOf(ValidationError);
  });

  it('cancelled_jobs_are_trimmed_by_the_done_retention_with_their_key_and_index_member', async () => {
    const driver = await redis.driver({ retention: { maxDoneCount: 1 } });
    const queue = uniqueQueue();
    const first = newJob(queue, { idempotencyKey: 'first' });
    const second = newJob(queue);
    await driver.enqueueMany([first, second], T0);
    await driver.cancel({ queue, id: first.id }, { now: T0 + 1 });
    await driver.cancel({ queue, id: second.id }, { now: T0 + 2 });
    expect(await driver.inspect({ queue, id: first.id })).toBeUndefined();
    expect(await redis.raw.exists(`${redis.prefix}:{${queue}}:idem:first`)).toBe(0);
    expect(await indexIds(redis.raw, `${redis.prefix}:{${queue}}:ids`)).toEqual([second.id]);
    expect(await driver.counts(queue)).toMatchObject({ cancelled: 1 });
  });

  it('subscribers_in_another_process_hear_each_cancel_request_of_their_queues', async () => {
    const worker = await redis.driver();
    const operator = await redis.driver();
    const queue = uniqueQueue();
    const [a, b] = await runningJobs(operator, queue, 2);
    const heard: JobRef[] = [];
    const controller = new AbortController();
    const arrived = new Promise<void>((resolve) => {
      void worker.subscribeCancels({ queues: [queue, uniqueQueue()], signal: controller.signal }, (ref) => {
        heard.push(ref);
        if (heard.length === 1) resolve();
      });
    });
    // subscribeCancels resolves once listening: wait for that before cancelling.
    await new Promise((resolve) => setTimeout(resolve, 0));
    await worker.subscribeCancels({ queues: [queue], signal: controller.signal }, () => undefined);
    await operator.cancel({ queue, id: a!.jobId }, { now: T0 + 1 });
    await arrived;
    // A repeat request publishes nothing more; after the abort nothing is heard.
    await operator.cancel({ queue, id: a!.jobId }, { now: T0 + 2 });
    controller.abort();
    await operator.cancel({ queue, id: b!.jobId }, { now: T0 + 3 });
    await operator.counts(queue);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(heard).toEqual([{ queue, id: a!.jobId }]);
  });
});
