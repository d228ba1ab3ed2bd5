import { describe, expect, it } from 'vitest';
import { DATA_MODEL_VERSION, RedisDriver } from '../src/index.js';
import { deadJob } from './support/job-control.js';
import { newJob, SKIP_REDIS, T0, TEST_DB, testTarget, uniqueQueue, useRedisFile } from './support/redis-env.js';

describe.skipIf(SKIP_REDIS)('data-model versions (Redis)', () => {
  const redis = useRedisFile('data-model');

  it('a_prefix_of_version_2_gets_its_dead_letter_lists_turned_into_sorted_sets_at_connect', async () => {
    const prefix = `${redis.prefix}:v2`;
    const small = uniqueQueue();
    const large = uniqueQueue();
    const first = await RedisDriver.connect({ ...testTarget(), db: TEST_DB, keyPrefix: prefix });
    const dead = [await deadJob(first, small, T0 + 30), await deadJob(first, small, T0 + 10)];
    await first.close();
    // Turn the stored layout back into version 2: the dead-letter list in failure order...
    const smallDlq = `${prefix}:{${small}}:dlq`;
    await redis.raw.del(smallDlq);
    await redis.raw.rpush(smallDlq, ...dead);
    // ...and a list longer than one migration step, written the way version 2 wrote it.
    const base = `${prefix}:{${large}}:`;
    const pipeline = redis.raw.pipeline();
    const ids: string[] = [];
    for (let i = 0; i < 2500; i++) {
      const job = newJob(large);
      ids.push(job.id);
      pipeline.hset(`${base}job:${job.id}`, {
        type: 'test.job',
        queue: large,
        payload: 'x',
        status: 'dlq',
        created_at_nano: `${T0}000000`,
        max_attempts: '3',
        dlq_failed_at_nano: `${T0 + i}123456`,
      });
      pipeline.zadd(`${base}index`, 0, job.id);
      pipeline.rpush(`${base}dlq`, job.id);
    }
    pipeline.sadd(`${prefix}:queues`, large);
    pipeline.set(`${prefix}:version`, '2');
    await pipeline.exec();

    const driver = await RedisDriver.connect({ ...testTarget(), db: TEST_DB, keyPrefix: prefix });
    try {
      expect(await redis.raw.get(`${prefix}:version`)).toBe(DATA_MODEL_VERSION);
      expect(await redis.raw.type(smallDlq)).toBe('zset');
      expect(await redis.raw.zrange(smallDlq, 0, -1, 'WITHSCORES')).toEqual([dead[1], String(T0 + 10), dead[0], String(T0 + 30)]);
      expect(await redis.raw.zcard(`${base}dlq`)).toBe(2500);
      expect(await redis.raw.zrange(`${base}dlq`, 0, 1, 'WITHSCORES')).toEqual([ids[0], String(T0), ids[1], String(T0 + 1)]);
      expect(await redis.raw.exists(`${base}dlq-v2`, `${prefix}:{${small}}:dlq-v2`)).toBe(0);
      expect(await driver.counts(large)).toMatchObject({ dlq: 2500 });
      // The migrated set works with the version-3 operations.
      expect(await driver.purge(large, { status: 'dlq', olderThanMs: 1000, now: T0 + 2000 })).toBe(1000);
      expect(await driver.requeueDlqMany(small, { now: T0 + 40 })).toBe(2);
    } finally {
      await driver.close();
    }
  });

  it('a_prefix_of_version_3_moves_to_the_current_version_and_its_jobs_read_and_run_as_before', async () => {
    const prefix = `${redis.prefix}:v3`;
    const queue = uniqueQueue();
    const first = await RedisDriver.connect({ ...testTarget(), db: TEST_DB, keyPrefix: prefix });
    const job = newJob(queue);
    await first.enqueue(job, T0);
    await first.close();
    await redis.raw.set(`${prefix}:version`, '3');
    const driver = await RedisDriver.connect({ ...testTarget(), db: TEST_DB, keyPrefix: prefix });
    try {
      expect(await redis.raw.get(`${prefix}:version`)).toBe(DATA_MODEL_VERSION);
      const got = await driver.reserve({ queue, limit: 5, leaseMs: 1000, now: T0 });
      expect(got.jobs.map((r) => r.job.id)).toEqual([job.id]);
      expect(await redis.raw.exists(`${prefix}:{${queue}}:flow`)).toBe(0);
    } finally {
      await driver.close();
    }
  });

  it('a_migration_cut_short_carries_on_at_the_next_connect', async () => {
    const prefix = `${redis.prefix}:cut`;
    const queue = uniqueQueue();
    const first = await RedisDriver.connect({ ...testTarget(), db: TEST_DB, keyPrefix: prefix });
    const ids = [await deadJob(first, queue, T0 + 1), await deadJob(first, queue, T0 + 2), await deadJob(first, queue, T0 + 3)];
    await first.close();
    // As left by an interrupted migration: the list set aside, one id already moved, the version still 2.
    const dlq = `${prefix}:{${queue}}:dlq`;
    await redis.raw.del(dlq);
    await redis.raw.zadd(dlq, T0 + 1, ids[0]!);
    await redis.raw.rpush(`${prefix}:{${queue}}:dlq-v2`, ids[1]!, ids[2]!);
    await redis.raw.set(`${prefix}:version`, '2');
    const driver = await RedisDriver.connect({ ...testTarget(), db: TEST_DB, keyPrefix: prefix });
    try {
      expect(await redis.raw.zrange(dlq, 0, -1)).toEqual(ids);
      expect(await redis.raw.exists(`${prefix}:{${queue}}:dlq-v2`)).toBe(0);
      expect(await redis.raw.get(`${prefix}:version`)).toBe(DATA_MODEL_VERSION);
    } finally {
      await driver.close();
    }
  });
});
