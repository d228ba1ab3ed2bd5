import { DriverClosedError, MAX_PAYLOAD_BYTES, ValidationError } from '@taskharbor/core';
import { Redis } from 'ioredis';
import { describe, expect, it, vi } from 'vitest';
import { DATA_MODEL_VERSION, RedisConnectError, RedisDriver } from '../src/index.js';
import { newJob, SKIP_REDIS, scanKeys, T0, TEST_DB, testTarget, uniqueQueue, useRedisFile } from './support/redis-env.js';
import { indexIds } from './support/id-index.js';

describe.skipIf(SKIP_REDIS)('enqueue (Redis)', () => {
  const redis = useRedisFile('enqueue');

  it('ascii_and_binary_payloads_round_trip_byte_for_byte', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    const every = Uint8Array.from({ length: 256 }, (_, i) => i);
    const ascii = new TextEncoder().encode('{"a":"x\\r\\n"}\r\n\u0000*3\r\n$1\r\n');
    // A view into a larger buffer: only the viewed bytes are stored.
    const view = new Uint8Array([0xff, 0x41, 0x42, 0x43, 0xff]).subarray(1, 4);
    const jobs = [every, ascii, view, new Uint8Array(0)].map((payload) => newJob(queue, { payload }));
    await driver.enqueueMany(jobs, T0);
    for (const job of jobs) {
      expect((await driver.inspect({ queue, id: job.id }))?.payload).toEqual(new Uint8Array(job.payload));
    }
    const { jobs: reserved } = await driver.reserve({ queue, limit: 4, leaseMs: 1000, now: T0 });
    expect(reserved.map((r) => r.job.payload)).toEqual(jobs.map((job) => new Uint8Array(job.payload)));
  });

  it('connect_to_a_refused_address_fails_fast_with_a_clear_error', async () => {
    const started = Date.now();
    const error = await RedisDriver.connect({ url: 'redis://127.0.0.1:1', db: TEST_DB }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedisConnectError);
    expect((error as Error).message).toMatch(/127\.0\.0\.1:1.*ECONNREFUSED/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('connect_to_an_unknown_host_fails_fast', async () => {
    const started = Date.now();
    const error = await RedisDriver.connect({ addr: 'no-such-host.invalid:6379' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedisConnectError);
    expect(Date.now() - started).toBeLessThan(6000);
  });

  it('connect_rejects_a_url_with_another_scheme', async () => {
    const error = await RedisDriver.connect({ url: 'http://127.0.0.1:6379' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('url');
  });

  it('connect_rejects_a_key_prefix_with_braces_before_connecting', async () => {
    const error = await RedisDriver.connect({ ...testTarget(), keyPrefix: 'app{x}' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('keyPrefix');
  });

  it('invalid_records_are_rejected_and_nothing_is_written', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    const invalid = [
      newJob(queue, { type: '' }),
      newJob(queue, { runAt: -1 }),
      newJob(queue, { maxAttempts: 0 }),
      newJob(queue, { payload: new Uint8Array(MAX_PAYLOAD_BYTES + 1) }),
      newJob(`{${queue}}`),
      newJob(queue, { idempotencyKey: 'has space' }),
    ];
    for (const job of invalid) await expect(driver.enqueue(job, T0)).rejects.toBeInstanceOf(ValidationError);
    await expect(driver.enqueueMany([newJob(queue), invalid[0]!], T0)).rejects.toBeInstanceOf(ValidationError);
    expect(await scanKeys(redis.raw, `${redis.prefix}:{${queue}}`)).toEqual([]);
    expect(await driver.queues()).not.toContain(queue);
  });

  it('enqueued_job_is_reserved_with_its_fields', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    const job = newJob(queue, { timeoutMs: 2500, idempotencyKey: 'signup-1', payload: Uint8Array.of(0, 255, 128) });
    expect(await driver.enqueue(job, T0)).toEqual({ id: job.id, existed: false });
    const { jobs } = await driver.reserve({ queue, limit: 10, leaseMs: 1000, now: T0 });
    expect(jobs).toHaveLength(1);
    expect(jobs[0]?.job).toMatchObject({ ...job, status: 'inflight', attempts: 0, reclaims: 0 });
    expect(jobs[0]?.lease).toEqual({ jobId: job.id, queue, token: expect.any(String), expiresAt: T0 + 1000 });
    expect(await driver.queues()).toContain(queue);
  });

  it('enqueue_many_spans_queues_and_answers_in_input_order', async () => {
    const driver = await redis.driver();
    const [a, b] = [uniqueQueue(), uniqueQueue()];
    const jobs = [newJob(a), newJob(b), newJob(a, { idempotencyKey: 'k' }), newJob(a, { idempotencyKey: 'k' })];
    const results = await driver.enqueueMany(jobs, T0);
    expect(results).toEqual([
      { id: jobs[0]?.id, existed: false },
      { id: jobs[1]?.id, existed: false },
      { id: jobs[2]?.id, existed: false },
      { id: jobs[2]?.id, existed: true },
    ]);
    expect(await driver.counts(a)).toMatchObject({ ready: 2 });
    expect(await driver.counts(b)).toMatchObject({ ready: 1 });
  });

  it('every_call_on_a_closed_driver_is_driver_closed', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    const job = newJob(queue);
    await driver.enqueue(job, T0);
    const { jobs } = await driver.reserve({ queue, limit: 1, leaseMs: 1000, now: T0 });
    const lease = jobs[0]!.lease;
    await driver.close();
    await driver.close();
    const calls: (() => Promise<unknown>)[] = [
      () => driver.enqueue(newJob(queue), T0),
      () => driver.enqueueMany([newJob(queue)], T0),
      () => driver.reserve({ queue, limit: 1, leaseMs: 1000, now: T0 }),
      () => driver.extendLease(lease, 1000, T0),
      () => driver.ack(lease, T0),
      () => driver.ackMany([lease], T0),
      () => driver.extendLeases([lease], 1000, T0),
      () => driver.retry(lease, { attempts: 1, failedAt: T0 }, T0),
      () => driver.fail(lease, { attempts: 1, failedAt: T0, reason: 'r' }, T0),
      () => driver.release(lease, T0),
      () => driver.waitForWork({ queues: [queue], signal: new AbortController().signal }),
      () => driver.inspect({ queue, id: job.id }),
      () => driver.list({ queue, limit: 1 }),
      () => driver.requeueDlq({ queue, id: job.id }, { now: T0 }),
      () => driver.counts(queue),
      () => driver.queues(),
    ];
    for (const call of calls) await expect(call()).rejects.toBeInstanceOf(DriverClosedError);
  });

  it('a_wrapped_client_is_not_closed_by_the_driver', async () => {
    const driver = new RedisDriver({ client: redis.raw, keyPrefix: redis.prefix });
    const queue = uniqueQueue();
    await driver.enqueue(newJob(queue), T0);
    await driver.close();
    expect(await redis.raw.ping()).toBe('PONG');
    await expect(driver.counts(queue)).rejects.toBeInstanceOf(DriverClosedError);
  });

  it('a_prefix_of_data_model_version_1_is_migrated_at_connect', async () => {
    const prefix = `${redis.prefix}:v1`;
    const queue = uniqueQueue();
    const first = await RedisDriver.connect({ ...testTarget(), db: TEST_DB, keyPrefix: prefix });
    const job = newJob(queue);
    await first.enqueue(job, T0);
    await first.close();
    // Turn the stored layout back into version 1: one index sorted set, its member status-prefixed.
    const index = `${prefix}:{${queue}}:index`;
    const ids = `${prefix}:{${queue}}:ids`;
    await redis.raw.del(ids, `${ids}:`);
    await redis.raw.zadd(index, 0, `ready:${job.id}`);
    await redis.raw.set(`${prefix}:version`, '1');
    const driver = await RedisDriver.connect({ ...testTarget(), db: TEST_DB, keyPrefix: prefix });
    try {
      expect(await redis.raw.get(`${prefix}:version`)).toBe(DATA_MODEL_VERSION);
      expect(await indexIds(redis.raw, ids)).toEqual([job.id]);
      expect(await redis.raw.exists(index)).toBe(0);
      expect((await driver.list({ queue, status: 'ready', limit: 10 })).jobs.map((j) => j.id)).toEqual([job.id]);
    } finally {
      await driver.close();
    }
  });

  it('wrapping_a_client_that_would_resend_commands_warns_once', async () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const client = new Redis({ lazyConnect: true });
    try {
      new RedisDriver({ client, keyPrefix: redis.prefix });
      new RedisDriver({ client, keyPrefix: redis.prefix });
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]?.[0])).toMatch(/autoResendUnfulfilledCommands/);
    } finally {
      warn.mockRestore();
      client.disconnect();
    }
  });
});
