import { ValidationError } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import { deadJob } from './support/job-control.js';
import { newJob, SKIP_REDIS, T0, uniqueQueue, useRedisFile } from './support/redis-env.js';
import { indexIds, indexProblems } from './support/id-index.js';

describe.skipIf(SKIP_REDIS)('job control: pause, purge, bulk requeue, dead retention (Redis)', () => {
  const redis = useRedisFile('jc-queue');

  it('a_paused_queue_hands_out_nothing_and_reports_no_next_due_time_until_resumed', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    const job = newJob(queue);
    await driver.enqueueMany([job, newJob(queue, { runAt: T0 + 500 })], T0);
    await driver.pause(queue);
    await driver.pause(queue);
    expect(await driver.reserve({ queue, limit: 10, leaseMs: 1000, now: T0 })).toEqual({ jobs: [] });
    // The flag is stored: another driver on the same prefix sees it.
    const other = await redis.driver();
    expect(await other.counts(queue)).toMatchObject({ ready: 1, scheduled: 1, paused: true });
    await driver.enqueue(newJob(queue), T0);
    const waiting = other.waitForWork({ queues: [queue], signal: AbortSignal.timeout(20_000) });
    // Let the listener's BLPOP take the token the enqueue left, then block again.
    await new Promise((resolve) => setTimeout(resolve, 100));
    await driver.reserve({ queue, limit: 1, leaseMs: 1000, now: T0 });
    await driver.resume(queue);
    await waiting;
    expect((await driver.counts(queue)).paused).toBe(false);
    const { jobs, nextDueAt } = await driver.reserve({ queue, limit: 1, leaseMs: 1000, now: T0 });
    expect(jobs.map((reserved) => reserved.job.id)).toEqual([job.id]);
    expect(nextDueAt).toBe(T0 + 500);
  });

  it('pausing_a_queue_that_never_held_a_job_records_it', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    expect((await driver.counts(queue)).paused).toBe(false);
    await driver.pause(queue);
    expect(await driver.queues()).toContain(queue);
    expect(await driver.counts(queue)).toEqual({ ready: 0, scheduled: 0, inflight: 0, done: 0, dlq: 0, cancelled: 0, paused: true });
    await driver.resume(queue);
    await driver.resume(queue);
    expect((await driver.counts(queue)).paused).toBe(false);
  });

  it('purge_of_ready_jobs_by_type_walks_the_list_in_windows_and_a_second_call_carries_on', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    // 2,500 jobs, every other one of type "drop": the matches are spread over the whole list.
    const jobs = Array.from({ length: 2500 }, (_, i) => newJob(queue, { type: i % 2 === 0 ? 'drop' : 'keep' }));
    await driver.enqueueMany(jobs, T0);
    expect(await driver.purge(queue, { status: 'ready', type: 'drop', limit: 700 })).toBe(700);
    expect(await driver.purge(queue, { status: 'ready', type: 'drop' })).toBe(550);
    expect(await driver.purge(queue, { status: 'ready', type: 'drop' })).toBe(0);
    const left = await redis.raw.lrange(`${redis.prefix}:{${queue}}:ready`, 0, -1);
    expect(left).toEqual(jobs.filter((_, i) => i % 2 === 1).map((job) => job.id));
    expect(await indexIds(redis.raw, `${redis.prefix}:{${queue}}:ids`)).toEqual(left);
    expect(await indexProblems(redis.raw, `${redis.prefix}:{${queue}}:ids`)).toEqual([]);
    expect(await driver.inspect({ queue, id: jobs[0]!.id })).toBeUndefined();
  });

  it('purge_by_age_removes_only_older_jobs_with_their_idempotency_mapping', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    const old = newJob(queue, { createdAt: T0 - 10_000, runAt: T0 + 60_000, idempotencyKey: 'old' });
    const young = newJob(queue, { createdAt: T0, runAt: T0 + 60_000 });
    await driver.enqueueMany([old, young], T0);
    expect(await driver.purge(queue, { status: 'scheduled', olderThanMs: 5000, now: T0 })).toBe(1);
    expect(await driver.inspect({ queue, id: old.id })).toBeUndefined();
    expect(await redis.raw.exists(`${redis.prefix}:{${queue}}:idem:old`)).toBe(0);
    expect((await driver.inspect({ queue, id: young.id }))?.status).toBe('scheduled');
    // The id and the key can be used again.
    expect(await driver.enqueue({ ...old }, T0)).toEqual({ id: old.id, existed: false });
    // Dead-lettered jobs: the age is the failure time (the dlq score).
    const early = await deadJob(driver, queue, T0 + 1);
    const late = await deadJob(driver, queue, T0 + 9000);
    expect(await driver.purge(queue, { status: 'dlq', olderThanMs: 5000, now: T0 + 10_000 })).toBe(1);
    expect(await driver.inspect({ queue, id: early })).toBeUndefined();
    expect((await driver.inspect({ queue, id: late }))?.status).toBe('dlq');
  });

  it('purge_refuses_in_flight_jobs_and_an_age_without_now_and_changes_nothing', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    await driver.enqueue(newJob(queue), T0);
    await expect(driver.purge(queue, { status: 'inflight' as 'ready' })).rejects.toMatchObject({ field: 'status' });
    await expect(driver.purge(queue, { status: 'ready', olderThanMs: 5 })).rejects.toBeInstanceOf(ValidationError);
    expect((await driver.counts(queue)).ready).toBe(1);
  });

  it('requeue_dlq_many_moves_the_oldest_failures_first_by_type_in_bounded_steps', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    const a = await deadJob(driver, queue, T0 + 3, 'mail');
    const b = await deadJob(driver, queue, T0 + 1, 'mail');
    const c = await deadJob(driver, queue, T0 + 2, 'sms');
    expect(await driver.requeueDlqMany(queue, { type: 'mail', limit: 1, now: T0 + 10 })).toBe(1);
    expect((await driver.inspect({ queue, id: b }))?.status).toBe('ready');
    expect((await driver.inspect({ queue, id: a }))?.status).toBe('dlq');
    expect(await driver.requeueDlqMany(queue, { resetAttempts: true, now: T0 + 10 })).toBe(2);
    expect(await redis.raw.lrange(`${redis.prefix}:{${queue}}:ready`, 0, -1)).toEqual([b, c, a]);
    // Without reset the job keeps its attempts and gets exactly one more run.
    expect(await driver.inspect({ queue, id: b })).toMatchObject({ attempts: 3, maxAttempts: 4, reclaims: 0 });
    const reset = await driver.inspect({ queue, id: a });
    expect(reset).toMatchObject({ attempts: 0, maxAttempts: 3 });
    expect(reset?.errors).toBeUndefined();
    expect(reset?.dlqReason).toBeUndefined();
    expect(reset?.lease).toBeUndefined();
    expect(await driver.counts(queue)).toMatchObject({ ready: 3, dlq: 0 });
  });

  it('requeue_dlq_many_of_more_than_one_step_moves_them_all', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    const base = `${redis.prefix}:{${queue}}:`;
    // 2,300 dead-lettered jobs written straight into the layout, the quick way to a large DLQ.
    const pipeline = redis.raw.pipeline();
    const ids: string[] = [];
    for (let i = 0; i < 2300; i++) {
      const job = newJob(queue);
      ids.push(job.id);
      pipeline.hset(`${base}job:${job.id}`, {
        type: i % 10 === 0 ? 'other' : 'test.job',
        queue,
        payload: 'x',
        status: 'dlq',
        created_at_nano: `${T0}000000`,
        max_attempts: '3',
        attempts: '3',
        dlq_failed_at_nano: `${T0 + i}000000`,
      });
      pipeline.zadd(`${base}dlq`, T0 + i, job.id);
    }
    await pipeline.exec();
    expect(await driver.requeueDlqMany(queue, { type: 'test.job', now: T0 })).toBe(2070);
    expect(await redis.raw.zrange(`${base}dlq`, 0, -1)).toEqual(ids.filter((_, i) => i % 10 === 0));
    expect(await redis.raw.lrange(`${base}ready`, 0, -1)).toEqual(ids.filter((_, i) => i % 10 !== 0));
  });

  it('dead_retention_keeps_the_newest_failures_by_count_and_age', async () => {
    const byCount = await redis.driver({ retention: { maxDeadCount: 2 } });
    const queue = uniqueQueue();
    const ids = [];
    for (let i = 1; i <= 3; i++) ids.push(await deadJob(byCount, queue, T0 + i));
    expect(await redis.raw.zrange(`${redis.prefix}:{${queue}}:dlq`, 0, -1)).toEqual(ids.slice(1));
    expect(await byCount.inspect({ queue, id: ids[0]! })).toBeUndefined();
    const byAge = await redis.driver({ retention: { maxDeadAgeMs: 1000 } });
    // A failure exactly maxDeadAgeMs old stays.
    const last = await deadJob(byAge, queue, T0 + 1003);
    expect(await redis.raw.zrange(`${redis.prefix}:{${queue}}:dlq`, 0, -1)).toEqual([ids[2], last]);
  });
});
