import { ValidationError } from '@taskharbor/core';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { openBlockingConnection } from '../src/blocking-connection.js';
import {
  CommandTimeoutError,
  DEFAULT_COMMAND_TIMEOUT_MS,
  RedisDriver,
  RedisOutcomeUnknownError,
  resolveTarget,
} from '../src/index.js';
import { newJob, SKIP_REDIS, T0, TEST_DB, testTarget, uniqueQueue, useRedisFile } from './support/redis-env.js';

/**
 * The command timeout: a state-changing script left unanswered fails with
 * RedisOutcomeUnknownError after commandTimeoutMs, while waitForWork's
 * BLPOP is never cut by a timeout. To make Redis hold a script without
 * answering, the test queues it behind a BLPOP on the same connection that
 * waits until the test itself pushes to its key, so no timing decides what
 * Redis has run when the assertions look.
 */
/**
 * Puts a BLPOP that waits for ever at the head of `driver`'s connection, so
 * Redis holds every later command of it unanswered until release() pushes to
 * `key` (through `releaser`) and the BLPOP has answered.
 */
function holdConnection(driver: RedisDriver, releaser: RedisDriver, key: string): { release: () => Promise<void> } {
  const blocked = (driver.client as Redis).blpop(key, 0);
  return {
    release: async () => {
      await (releaser.client as Redis).lpush(key, 'go');
      expect(await blocked).toEqual([key, 'go']);
    },
  };
}

describe.skipIf(SKIP_REDIS)('command timeout (Redis)', () => {
  const redis = useRedisFile('command-timeout');

  it('defaults_to_five_seconds_and_rejects_bad_values_before_connecting', async () => {
    const driver = await redis.driver();
    expect(driver.commandTimeoutMs).toBe(DEFAULT_COMMAND_TIMEOUT_MS);
    expect(DEFAULT_COMMAND_TIMEOUT_MS).toBe(5000);
    expect((await redis.driver({ commandTimeoutMs: Number.POSITIVE_INFINITY })).commandTimeoutMs).toBe(Number.POSITIVE_INFINITY);
    for (const bad of [0, -1, 1.5, Number.NaN, '100', 2 ** 31]) {
      await expect(
        RedisDriver.connect({ addr: '127.0.0.1:1', keyPrefix: redis.prefix, commandTimeoutMs: bad as number }),
      ).rejects.toBeInstanceOf(ValidationError);
    }
  });

  it('a_script_that_gets_no_reply_in_time_fails_with_outcome_unknown_and_may_still_run', async () => {
    const driver = await redis.driver({ commandTimeoutMs: 150 });
    const observer = await redis.driver();
    const queue = uniqueQueue();
    await driver.counts(queue);
    const hold = holdConnection(driver, observer, `${redis.prefix}:{${queue}}:held`);
    const job = newJob(queue);
    try {
      const error = await driver.enqueue(job, T0).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(RedisOutcomeUnknownError);
      expect((error as Error).cause).toBeInstanceOf(CommandTimeoutError);
      expect(await observer.inspect({ queue, id: job.id })).toBeUndefined();
    } finally {
      await hold.release();
    }
    // The script was sent; it ran once Redis got to it. The outcome was unknown, not "not stored".
    await expect.poll(async () => (await observer.inspect({ queue, id: job.id }))?.status).toBe('ready');
  });

  it('an_ack_that_gets_no_reply_in_time_leaves_the_lease_to_decide', async () => {
    const driver = await redis.driver({ commandTimeoutMs: 150 });
    const observer = await redis.driver();
    const queue = uniqueQueue();
    await driver.enqueue(newJob(queue), T0);
    const { jobs } = await driver.reserve({ queue, limit: 1, leaseMs: 30_000, now: T0 });
    const lease = jobs[0]?.lease ?? expect.fail('one job reserved');
    const hold = holdConnection(driver, observer, `${redis.prefix}:{${queue}}:held`);
    try {
      const [outcome] = await driver.ackMany([lease], T0 + 1);
      expect(outcome?.ok).toBe(false);
      expect(outcome?.ok === false && outcome.error).toBeInstanceOf(RedisOutcomeUnknownError);
      expect((await observer.inspect({ queue, id: lease.jobId }))?.status).toBe('inflight');
    } finally {
      await hold.release();
    }
    // The ack ran once Redis got to it, and its lease was still good: the job is done.
    await expect.poll(async () => (await observer.inspect({ queue, id: lease.jobId }))?.status).toBe('done');
  });

  it('the_blocking_connection_of_waitForWork_is_not_cut_by_an_ioredis_commandTimeout', async () => {
    const target = resolveTarget({ ...testTarget(), db: TEST_DB });
    const client = new Redis({
      host: target.host,
      port: target.port,
      db: TEST_DB,
      ...(target.username === undefined ? {} : { username: target.username }),
      ...(target.password === undefined ? {} : { password: target.password }),
      commandTimeout: 100,
    });
    client.on('error', () => undefined);
    const listener = openBlockingConnection(client);
    try {
      const key = `${redis.prefix}:{${uniqueQueue()}}:signal`;
      // The client itself cuts a one-second BLPOP; the listener connection lets it run out.
      await expect(client.blpop(key, 1)).rejects.toThrow(/timed out/i);
      expect(await listener.blpop(key, 1)).toBeNull();
    } finally {
      listener.disconnect();
      client.disconnect();
    }
  });
});
