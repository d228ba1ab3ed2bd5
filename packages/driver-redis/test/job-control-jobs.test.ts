import {
  ERROR_HISTORY_SIZE,
  InvalidJobStateError,
  JobNotFoundError,
  LeaseExpiredError,
  MAX_RESULT_BYTES,
  ValidationError,
} from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import { runningJobs } from './support/job-control.js';
import { newJob, SKIP_REDIS, T0, uniqueQueue, useRedisFile } from './support/redis-env.js';
import { indexIds } from './support/id-index.js';

describe.skipIf(SKIP_REDIS)('job control: remove, promote, results, progress, errors, list by type (Redis)', () => {
  const redis = useRedisFile('jc-jobs');

  it('remove_deletes_a_waiting_or_finished_job_with_its_key_and_refuses_one_in_flight', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    const ready = newJob(queue, { idempotencyKey: 'k1' });
    await driver.enqueue(ready, T0);
    await driver.remove({ queue, id: ready.id });
    expect(await driver.inspect({ queue, id: ready.id })).toBeUndefined();
    expect(await redis.raw.exists(`${redis.prefix}:{${queue}}:idem:k1`, `${redis.prefix}:{${queue}}:ready`)).toBe(0);
    expect(await indexIds(redis.raw, `${redis.prefix}:{${queue}}:ids`)).toEqual([]);
    expect(await driver.enqueue(ready, T0)).toEqual({ id: ready.id, existed: false });
    const [lease] = await runningJobs(driver, queue, 1);
    const ref = { queue, id: lease!.jobId };
    const error = await driver.remove(ref).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidJobStateError);
    expect(String((error as Error).message)).toMatch(/cancel it first/);
    await driver.ack(lease!, T0 + 1);
    await driver.remove(ref);
    expect(await driver.counts(queue)).toMatchObject({ ready: 1, done: 0, inflight: 0 });
    await expect(driver.remove(ref)).rejects.toBeInstanceOf(JobNotFoundError);
  });

  it('promote_makes_a_scheduled_job_ready_at_the_tail_and_refuses_other_statuses', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    const first = newJob(queue);
    const later = newJob(queue, { runAt: T0 + 60_000 });
    await driver.enqueueMany([first, later], T0);
    await driver.promote({ queue, id: later.id }, { now: T0 + 1 });
    const record = await driver.inspect({ queue, id: later.id });
    expect(record?.status).toBe('ready');
    expect(record?.runAt).toBeUndefined();
    expect(await redis.raw.lrange(`${redis.prefix}:{${queue}}:ready`, 0, -1)).toEqual([first.id, later.id]);
    await expect(driver.promote({ queue, id: first.id }, { now: T0 })).rejects.toBeInstanceOf(InvalidJobStateError);
    await expect(driver.promote({ queue, id: 'nope' }, { now: T0 })).rejects.toBeInstanceOf(JobNotFoundError);
  });

  it('ack_stores_the_result_bytes_and_a_repeat_keeps_them', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    const [a, b, c] = await runningJobs(driver, queue, 3);
    const bytes = Uint8Array.from([0, 255, 10, 13, 0x80]);
    await driver.ack(a!, T0 + 1, { result: bytes });
    await driver.ack(a!, T0 + 2, { result: Uint8Array.of(1) });
    expect((await driver.inspect({ queue, id: a!.jobId }))?.result).toEqual(bytes);
    const outcomes = await driver.ackMany([b!, c!], T0 + 3, [undefined, Uint8Array.of(4, 2)]);
    expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
    expect((await driver.inspect({ queue, id: b!.jobId }))?.result).toBeUndefined();
    expect((await driver.inspect({ queue, id: c!.jobId }))?.result).toEqual(Uint8Array.of(4, 2));
    const [d] = await runningJobs(driver, queue, 1);
    await expect(driver.ack(d!, T0 + 4, { result: new Uint8Array(MAX_RESULT_BYTES + 1) })).rejects.toMatchObject({ field: 'result' });
    expect((await driver.inspect({ queue, id: d!.jobId }))?.status).toBe('inflight');
  });

  it('progress_is_stored_under_a_valid_lease_and_kept_after_the_job_finishes', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    const [lease] = await runningJobs(driver, queue, 1);
    const ref = { queue, id: lease!.jobId };
    await driver.setProgress(lease!, JSON.stringify({ step: 2, of: 5 }), T0 + 1);
    expect((await driver.inspect(ref))?.progress).toEqual({ step: 2, of: 5 });
    await expect(driver.setProgress(lease!, '{not json', T0 + 2)).rejects.toBeInstanceOf(ValidationError);
    await expect(driver.setProgress(lease!, '1', T0 + 1000)).rejects.toBeInstanceOf(LeaseExpiredError);
    expect((await driver.inspect(ref))?.progress).toEqual({ step: 2, of: 5 });
    await driver.ack(lease!, T0 + 3);
    expect((await driver.inspect(ref))?.progress).toEqual({ step: 2, of: 5 });
  });

  it('the_error_history_keeps_the_newest_failures_oldest_first_and_a_reset_clears_it', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    const job = newJob(queue, { maxAttempts: 20 });
    await driver.enqueue(job, T0);
    for (let attempt = 1; attempt <= ERROR_HISTORY_SIZE + 2; attempt++) {
      const { lease } = (await driver.reserve({ queue, limit: 1, leaseMs: 1000, now: T0 })).jobs[0]!;
      await driver.retry(lease, { attempts: attempt, lastError: `line\nbreak ${attempt}`, failedAt: T0 + attempt }, T0);
    }
    const { lease } = (await driver.reserve({ queue, limit: 1, leaseMs: 1000, now: T0 })).jobs[0]!;
    await driver.fail(lease, { attempts: 13, failedAt: T0 + 13, reason: 'stop' }, T0 + 13);
    const errors = (await driver.inspect({ queue, id: job.id }))?.errors;
    expect(errors).toHaveLength(ERROR_HISTORY_SIZE);
    expect(errors?.[0]).toEqual({ attempt: 4, message: 'line\nbreak 4', at: T0 + 4 });
    expect(errors?.at(-1)).toEqual({ attempt: 13, message: '', at: T0 + 13 });
    await driver.requeueDlq({ queue, id: job.id }, { resetAttempts: true, now: T0 + 14 });
    expect((await driver.inspect({ queue, id: job.id }))?.errors).toBeUndefined();
  });

  it('list_filters_by_type_with_and_without_a_status', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    const jobs = [newJob(queue, { type: 'a' }), newJob(queue, { type: 'b' }), newJob(queue, { type: 'a', runAt: T0 + 1000 })];
    await driver.enqueueMany(jobs, T0);
    const ids = async (request: { status?: 'ready'; type?: string; limit: number; cursor?: string }) =>
      (await driver.list({ queue, ...request })).jobs.map((j) => j.id);
    expect(await ids({ type: 'a', limit: 10 })).toEqual([jobs[0]!.id, jobs[2]!.id]);
    expect(await ids({ type: 'a', status: 'ready', limit: 10 })).toEqual([jobs[0]!.id]);
    const page = await driver.list({ queue, type: 'a', limit: 1 });
    expect(page.jobs.map((j) => j.id)).toEqual([jobs[0]!.id]);
    expect(await ids({ type: 'a', limit: 1, cursor: page.nextCursor })).toEqual([jobs[2]!.id]);
  });
});
