import { ErrorCode, isTaskHarborError, ValidationError } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import { RedisConnectError, RedisDriver, RedisReplicationTimeoutError } from '../src/index.js';
import { newJob, SKIP_REDIS, T0, uniqueQueue, useRedisFile } from './support/redis-env.js';

/**
 * The opt-in replicated acknowledgment, on the shared test Redis, which has
 * no replicas: every state-changing call then waits `timeoutMs` and fails
 * with RedisReplicationTimeoutError, although the write happened on the
 * master. (A run with real replicas is in the reliability package.) Also
 * the Sentinel settings' checks, which need no Sentinel.
 */
describe.skipIf(SKIP_REDIS)('replicas and sentinel options (Redis)', () => {
  const redis = useRedisFile('replicas');

  it('a_write_no_replica_acknowledged_fails_typed_and_is_still_on_the_master', async () => {
    const driver = await redis.driver({ replicas: { count: 1, timeoutMs: 30 } });
    const observer = await redis.driver();
    const queue = uniqueQueue();
    const job = newJob(queue);
    const error = await driver.enqueue(job, T0).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(RedisReplicationTimeoutError);
    expect(isTaskHarborError(error, ErrorCode.OutcomeUnknown)).toBe(true);
    expect(error).toMatchObject({ replicasWanted: 1, replicasAcked: 0 });
    expect((await observer.inspect({ queue, id: job.id }))?.status).toBe('ready');

    const { jobs } = await observer.reserve({ queue, limit: 1, leaseMs: 30_000, now: T0 });
    const lease = jobs[0]?.lease ?? expect.fail('one job reserved');
    await expect(driver.ack(lease, T0 + 1)).rejects.toBeInstanceOf(RedisReplicationTimeoutError);
    expect((await observer.inspect({ queue, id: job.id }))?.status).toBe('done');
  });

  it('reads_do_not_wait_for_replicas', async () => {
    // A WAIT here would take a minute: far past the test's timeout.
    const driver = await redis.driver({ replicas: { count: 1, timeoutMs: 60_000 }, commandTimeoutMs: 120_000 });
    expect(await driver.counts(uniqueQueue())).toMatchObject({ ready: 0, scheduled: 0, inflight: 0, done: 0, dlq: 0 });
    expect(await driver.queues()).toBeInstanceOf(Array);
  });

  it('bad_replicas_or_sentinel_settings_are_rejected_before_connecting', async () => {
    const bad: unknown[] = [
      { replicas: { count: 0, timeoutMs: 100 } },
      { replicas: { count: 1, timeoutMs: 0 } },
      { replicas: { count: 1.5, timeoutMs: 100 } },
      { replicas: 'all' },
      { sentinel: { sentinels: [], name: 'main' } },
      { sentinel: { sentinels: [{ host: '127.0.0.1', port: 0 }], name: 'main' } },
      { sentinel: { sentinels: [{ host: '127.0.0.1', port: 26379 }], name: '' } },
    ];
    for (const options of bad) {
      await expect(RedisDriver.connect({ addr: '127.0.0.1:1', ...(options as object) })).rejects.toBeInstanceOf(ValidationError);
    }
  });

  it('an_unreachable_sentinel_fails_connect_with_a_connect_error', async () => {
    const error = await RedisDriver.connect({
      sentinel: { sentinels: [{ host: '127.0.0.1', port: 1 }], name: 'main' },
      redisOptions: { connectTimeout: 500 },
    }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(RedisConnectError);
    expect((error as Error).message).toContain('master "main" via Sentinel 127.0.0.1:1');
  });
});
