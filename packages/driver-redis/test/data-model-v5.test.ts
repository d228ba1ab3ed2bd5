import { DEFAULT_MAX_ATTEMPTS, newJobId } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import { DATA_MODEL_VERSION, RedisConnectError, RedisDataModelError, RedisDriver } from '../src/index.js';
import { KeySpace } from '../src/keys.js';
import { fieldsCursorKey, runMigrateFieldsStep } from '../src/lua/migrate.js';
import { newJob, SKIP_REDIS, T0, TEST_DB, testTarget, uniqueQueue, useRedisFile } from './support/redis-env.js';
import { indexIds } from './support/id-index.js';

/** A job hash as data-model version 4 wrote it: the queue always, max_attempts always. */
function v4Hash(queue: string, fields: Record<string, string> = {}): Record<string, string> {
  return { type: 'test.job', queue, payload: '{"n":1}', status: 'ready', created_at_nano: `${T0}000000`, max_attempts: '25', ...fields };
}

async function connect(prefix: string): Promise<RedisDriver> {
  return RedisDriver.connect({ ...testTarget(), db: TEST_DB, keyPrefix: prefix });
}

describe.skipIf(SKIP_REDIS)('data-model version 5 (Redis)', () => {
  const redis = useRedisFile('data-model-v5');

  it('a_job_at_the_default_max_attempts_is_stored_without_queue_or_max_attempts_and_reads_back_whole', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    const usual = newJob(queue, { maxAttempts: DEFAULT_MAX_ATTEMPTS });
    const limited = newJob(queue, { maxAttempts: 4 });
    await driver.enqueueMany([usual, limited], T0);
    const keys = new KeySpace(redis.prefix).queue(queue);
    // Since data model 7 created_at_nano is left out too: the id starts with the creation time.
    expect((await redis.raw.hkeys(keys.job(usual.id))).sort()).toEqual(['payload', 'status', 'type']);
    expect(await redis.raw.hget(keys.job(limited.id), 'max_attempts')).toBe('4');
    expect(await redis.raw.hexists(keys.job(limited.id), 'queue')).toBe(0);
    expect(await driver.inspect({ queue, id: usual.id })).toMatchObject({ queue, maxAttempts: DEFAULT_MAX_ATTEMPTS, status: 'ready', createdAt: T0 });
    const { jobs } = await driver.reserve({ queue, limit: 5, leaseMs: 1000, now: T0 });
    expect(jobs.map((r) => [r.job.id, r.job.queue, r.job.maxAttempts, r.job.status])).toEqual([
      [usual.id, queue, DEFAULT_MAX_ATTEMPTS, 'inflight'],
      [limited.id, queue, 4, 'inflight'],
    ]);
    const listed = new Map((await driver.list({ queue, limit: 10 })).jobs.map((j) => [j.id, [j.queue, j.maxAttempts]]));
    expect(listed).toEqual(
      new Map([
        [usual.id, [queue, DEFAULT_MAX_ATTEMPTS]],
        [limited.id, [queue, 4]],
      ]),
    );
  });

  it('a_five_field_hash_whose_fifth_field_is_not_max_attempts_is_read_in_full_by_reserve', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    const keys = new KeySpace(redis.prefix).queue(queue);
    const id = newJobId(T0);
    await redis.raw.hset(keys.job(id), { type: 'test.job', payload: 'x', status: 'ready', created_at_nano: `${T0}000000`, reclaims: '2' });
    await redis.raw.rpush(keys.ready, id);
    await redis.raw.zadd(keys.index, 0, '');
    await redis.raw.zadd(`${keys.index}:`, 0, id);
    const [got] = (await driver.reserve({ queue, limit: 1, leaseMs: 1000, now: T0 })).jobs;
    expect(got?.job).toMatchObject({ id, queue, reclaims: 2, maxAttempts: DEFAULT_MAX_ATTEMPTS });
  });

  it('a_version_4_prefix_is_migrated_at_connect_and_every_operation_then_works', async () => {
    const prefix = `${redis.prefix}:v4`;
    const queue = uniqueQueue();
    const keys = new KeySpace(prefix).queue(queue);
    const ready = [newJobId(T0), newJobId(T0 + 1)];
    const scheduled = newJobId(T0 + 2);
    const dead = newJobId(T0 + 3);
    const keyed = newJobId(T0 + 4);
    const write = redis.raw.multi();
    write.hset(keys.job(ready[0]!), v4Hash(queue));
    write.hset(keys.job(ready[1]!), v4Hash(queue, { max_attempts: '3' }));
    write.hset(keys.job(scheduled), v4Hash(queue, { status: 'scheduled', run_at_nano: `${T0 + 5000}000000` }));
    write.hset(
      keys.job(dead),
      v4Hash(queue, { status: 'dlq', attempts: '25', last_error: 'boom', failed_at_nano: `${T0}000000`, dlq_reason: 'boom', dlq_failed_at_nano: `${T0}000000` }),
    );
    write.hset(keys.job(keyed), v4Hash(queue, { idempotency_key: 'k-1', max_attempts: '7' }));
    write.set(keys.idempotency('k-1'), keyed);
    write.rpush(keys.ready, ready[0]!, ready[1]!, keyed);
    write.zadd(keys.scheduled, T0 + 5000, scheduled);
    write.zadd(keys.dlq, T0, dead);
    for (const id of [...ready, scheduled, dead, keyed]) write.zadd(keys.legacyIndex, 0, id);
    write.sadd(`${prefix}:queues`, queue);
    write.set(`${prefix}:version`, '4');
    await write.exec();

    const driver = await connect(prefix);
    try {
      expect(await redis.raw.get(`${prefix}:version`)).toBe(DATA_MODEL_VERSION);
      expect(await redis.raw.exists(fieldsCursorKey(keys), keys.legacyIndex)).toBe(0);
      expect(await indexIds(redis.raw, keys.index)).toEqual([...ready, scheduled, dead, keyed].sort());
      for (const id of [...ready, scheduled, dead, keyed]) expect(await redis.raw.hexists(keys.job(id), 'queue')).toBe(0);
      expect(await redis.raw.hmget(keys.job(ready[0]!), 'max_attempts')).toEqual([null]);
      expect(await redis.raw.hmget(keys.job(ready[1]!), 'max_attempts')).toEqual(['3']);
      expect(await redis.raw.hget(keys.job(keyed), 'max_attempts')).toBe('7');
      expect(await redis.raw.hexists(keys.job(dead), 'max_attempts')).toBe(0);

      // reserve (both read paths), ack, fail with a retry.
      const { jobs } = await driver.reserve({ queue, limit: 5, leaseMs: 1000, now: T0 });
      expect(jobs.map((r) => [r.job.id, r.job.queue, r.job.maxAttempts])).toEqual([
        [ready[0], queue, 25],
        [ready[1], queue, 3],
        [keyed, queue, 7],
      ]);
      expect(jobs[2]?.job.idempotencyKey).toBe('k-1');
      await driver.ack(jobs[0]!.lease, T0 + 1);
      await driver.retry(jobs[1]!.lease, { attempts: 1, lastError: 'again', failedAt: T0 + 1, runAt: T0 + 10 }, T0 + 1);
      expect(await driver.inspect({ queue, id: ready[0]! })).toMatchObject({ status: 'done', queue, maxAttempts: 25 });
      expect(await driver.inspect({ queue, id: ready[1]! })).toMatchObject({ status: 'scheduled', attempts: 1, maxAttempts: 3 });
      // The idempotency key still leads to the migrated job.
      const again = await driver.enqueue(newJob(queue, { idempotencyKey: 'k-1' }), T0 + 2);
      expect(again).toEqual({ id: keyed, existed: true });

      // A dead job that used all of its default 25 attempts gets exactly one more on requeue.
      await driver.requeueDlq({ queue, id: dead }, { now: T0 + 20 });
      const later = await driver.reserve({ queue, limit: 5, leaseMs: 1000, now: T0 + 6000 });
      const byId = new Map(later.jobs.map((r) => [r.job.id, r.job]));
      expect(byId.get(dead)).toMatchObject({ queue, attempts: 25, maxAttempts: 26 });
      expect(byId.get(scheduled)).toMatchObject({ queue, maxAttempts: 25 });
      expect(byId.get(ready[1]!)).toMatchObject({ queue, maxAttempts: 3 });
      expect((await driver.list({ queue, limit: 10 })).jobs.every((j) => j.queue === queue)).toBe(true);
      expect(await driver.counts(queue)).toMatchObject({ ready: 0, scheduled: 0, inflight: 4, done: 1 });
    } finally {
      await driver.close();
    }
  });

  it('a_migration_cut_short_carries_on_from_its_cursor_at_the_next_connect', async () => {
    const prefix = `${redis.prefix}:cut`;
    const queue = uniqueQueue();
    const keys = new KeySpace(prefix).queue(queue);
    const ids: string[] = [];
    const write = redis.raw.pipeline();
    for (let i = 0; i < 2500; i++) {
      const id = newJobId(T0 + i);
      ids.push(id);
      write.hset(keys.job(id), v4Hash(queue));
      write.zadd(keys.legacyIndex, 0, id);
      write.rpush(keys.ready, id);
    }
    write.sadd(`${prefix}:queues`, queue);
    write.set(`${prefix}:version`, '4');
    await write.exec();
    ids.sort();

    // One step, as an interrupted connect would have left it.
    expect(await runMigrateFieldsStep(redis.raw, keys, 1000)).toBe(true);
    expect(await redis.raw.get(fieldsCursorKey(keys))).toBe(ids[999]);
    expect(await redis.raw.hexists(keys.job(ids[999]!), 'queue')).toBe(0);
    expect(await redis.raw.hexists(keys.job(ids[1000]!), 'queue')).toBe(1);
    expect(await redis.raw.get(`${prefix}:version`)).toBe('4');

    const driver = await connect(prefix);
    try {
      expect(await redis.raw.get(`${prefix}:version`)).toBe(DATA_MODEL_VERSION);
      expect(await redis.raw.exists(fieldsCursorKey(keys))).toBe(0);
      for (const id of [ids[0]!, ids[1000]!, ids[2499]!]) {
        expect((await redis.raw.hkeys(keys.job(id))).sort()).toEqual(['created_at_nano', 'payload', 'status', 'type']);
      }
      const { jobs } = await driver.reserve({ queue, limit: 3, leaseMs: 1000, now: T0 });
      expect(jobs.map((r) => [r.job.queue, r.job.maxAttempts])).toEqual([
        [queue, 25],
        [queue, 25],
        [queue, 25],
      ]);
    } finally {
      await driver.close();
    }
  });

  it('a_prefix_of_a_newer_version_is_refused_and_left_as_it_was', async () => {
    const prefix = `${redis.prefix}:newer`;
    const queue = uniqueQueue();
    const keys = new KeySpace(prefix).queue(queue);
    const id = newJobId(T0);
    await redis.raw.hset(keys.job(id), v4Hash(queue));
    await redis.raw.zadd(keys.legacyIndex, 0, id);
    await redis.raw.sadd(`${prefix}:queues`, queue);
    await redis.raw.set(`${prefix}:version`, '9');
    const error = await connect(prefix).then(
      (driver) => driver.close().then(() => undefined),
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(RedisConnectError);
    expect((error as RedisConnectError).cause).toBeInstanceOf(RedisDataModelError);
    expect(await redis.raw.get(`${prefix}:version`)).toBe('9');
    expect(await redis.raw.hget(keys.job(id), 'queue')).toBe(queue);
    expect(await redis.raw.hget(keys.job(id), 'max_attempts')).toBe('25');
  });
});
