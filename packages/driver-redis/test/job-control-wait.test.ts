import { DriverClosedError, JobNotFoundError } from '@taskharbor/core';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { RESEND_SAFE_REDIS_OPTIONS, RedisDriver, resolveTarget } from '../src/index.js';
import { runningJobs } from './support/job-control.js';
import { newJob, SKIP_REDIS, T0, TEST_DB, testTarget, uniqueQueue, useRedisFile } from './support/redis-env.js';

describe.skipIf(SKIP_REDIS)('job control: waitForFinish (Redis)', () => {
  const redis = useRedisFile('jc-wait');

  it('a_waiter_resolves_when_another_process_finishes_the_job', async () => {
    const waiter = await redis.driver();
    const worker = await redis.driver();
    const queue = uniqueQueue();
    const [a, b] = await runningJobs(worker, queue, 2);
    const waitA = waiter.waitForFinish({ queue, id: a!.jobId }, new AbortController().signal);
    const waitB = waiter.waitForFinish({ queue, id: b!.jobId }, new AbortController().signal);
    let settledA = false;
    void waitA.then(() => {
      settledA = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(settledA).toBe(false);
    await worker.ack(a!, T0 + 1, { result: Uint8Array.of(5) });
    expect(await waitA).toMatchObject({ id: a!.jobId, status: 'done', result: Uint8Array.of(5) });
    await worker.fail(b!, { attempts: 3, failedAt: T0 + 2, reason: 'no' }, T0 + 2);
    expect(await waitB).toMatchObject({ status: 'dlq', dlqReason: 'no' });
    // Already finished: at once.
    expect((await waiter.waitForFinish({ queue, id: a!.jobId }, new AbortController().signal)).status).toBe('done');
  });

  it('an_unknown_or_removed_job_rejects_and_an_abort_rejects_with_its_reason', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    await expect(driver.waitForFinish({ queue, id: 'nope' }, new AbortController().signal)).rejects.toBeInstanceOf(JobNotFoundError);
    const job = newJob(queue);
    await driver.enqueue(job, T0);
    const removed = driver.waitForFinish({ queue, id: job.id }, new AbortController().signal).catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await driver.remove({ queue, id: job.id });
    expect(await removed).toBeInstanceOf(JobNotFoundError);
    const other = newJob(queue);
    await driver.enqueue(other, T0);
    const controller = new AbortController();
    const aborted = driver.waitForFinish({ queue, id: other.id }, controller.signal);
    const reason = new Error('gave up waiting');
    controller.abort(reason);
    await expect(aborted).rejects.toBe(reason);
    const pending = driver.waitForFinish({ queue, id: other.id }, new AbortController().signal).catch((e: unknown) => e);
    await driver.close();
    expect(await pending).toBeInstanceOf(DriverClosedError);
  });

  it('a_cancel_of_a_waiting_job_wakes_its_waiter', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    const job = newJob(queue);
    await driver.enqueue(job, T0);
    const waiting = driver.waitForFinish({ queue, id: job.id }, new AbortController().signal);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await driver.cancel({ queue, id: job.id }, { now: T0 + 1 });
    expect(await waiting).toMatchObject({ status: 'cancelled', cancelledAt: T0 + 1 });
  });

  it('a_thousand_concurrent_waiters_cost_one_connection', async () => {
    const name = `th-wait-${Math.random().toString(36).slice(2)}`;
    const target = resolveTarget({ ...testTarget(), db: TEST_DB });
    const client = new Redis({ host: target.host, port: target.port, db: TEST_DB, connectionName: name, ...RESEND_SAFE_REDIS_OPTIONS });
    const driver = new RedisDriver({ client, keyPrefix: redis.prefix });
    const connections = async () =>
      String(await redis.raw.client('LIST'))
        .split('\n')
        .filter((line) => line.includes(` name=${name} `)).length;
    try {
      const queue = uniqueQueue();
      const leases = await runningJobs(driver, queue, 1000);
      expect(await connections()).toBe(1);
      const controller = new AbortController();
      const waits = leases.map((lease) => driver.waitForFinish({ queue, id: lease.jobId }, controller.signal));
      // Marked handled here; Promise.all below still sees a rejection.
      for (const wait of waits) wait.catch(() => undefined);
      // The subscriber connection opens with the first wait; give a busy machine time to show it.
      for (let i = 0; i < 100 && (await connections()) < 2; i++) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await connections()).toBe(2);
      const outcomes = await driver.ackMany(leases, T0 + 1);
      expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
      const records = await Promise.all(waits);
      expect(records.every((record) => record.status === 'done')).toBe(true);
      expect(await connections()).toBe(2);
    } finally {
      await driver.close();
      client.disconnect();
    }
  });

  it('after_the_subscriber_connection_is_killed_it_comes_back_and_waiters_and_cancel_listeners_carry_on', async () => {
    const name = `th-sub-${Math.random().toString(36).slice(2)}`;
    const target = resolveTarget({ ...testTarget(), db: TEST_DB });
    const client = new Redis({ host: target.host, port: target.port, db: TEST_DB, connectionName: name, ...RESEND_SAFE_REDIS_OPTIONS });
    const driver = new RedisDriver({ client, keyPrefix: redis.prefix });
    const operator = await redis.driver();
    const subscriberIds = async () =>
      String(await redis.raw.client('LIST'))
        .split('\n')
        .filter((line) => line.includes(` name=${name} `) && / cmd=(ssubscribe|subscribe|unsubscribe)\b|sub=[1-9]/.test(line))
        .map((line) => /\bid=(\d+)/.exec(line)?.[1]);
    try {
      const queue = uniqueQueue();
      const [a, b] = await runningJobs(operator, queue, 2);
      const heard: string[] = [];
      const controller = new AbortController();
      await driver.subscribeCancels({ queues: [queue], signal: controller.signal }, (ref) => heard.push(ref.id));
      const waiting = driver.waitForFinish({ queue, id: a!.jobId }, new AbortController().signal);
      // subscribeCancels resolved, so the subscriber is up; its CLIENT LIST line may lag a moment on a busy machine.
      let [before] = await subscriberIds();
      for (let i = 0; i < 100 && before === undefined; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        [before] = await subscriberIds();
      }
      expect(before).toBeDefined();
      await redis.raw.client('KILL', 'ID', before!);
      // The finish is published while the subscriber is away: the waiter reads the job again once it is back.
      await operator.ack(a!, T0 + 1);
      expect((await waiting).status).toBe('done');
      let after: string | undefined;
      for (let i = 0; i < 100 && (after === undefined || after === before); i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        [after] = await subscriberIds();
      }
      expect(after).toBeDefined();
      expect(after).not.toBe(before);
      await operator.cancel({ queue, id: b!.jobId }, { now: T0 + 2 });
      for (let i = 0; i < 100 && heard.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(heard).toEqual([b!.jobId]);
      controller.abort();
    } finally {
      await driver.close();
      client.disconnect();
    }
  });
});
