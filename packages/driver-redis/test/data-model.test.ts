import { DEFAULT_MAX_ATTEMPTS } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import { DATA_MODEL_VERSION, RedisDriver } from '../src/index.js';
import { deadJob } from './support/job-control.js';
import { newJob, SKIP_REDIS, T0, TEST_DB, testTarget, uniqueQueue, useRedisFile } from './support/redis-env.js';
import { indexIds, toLegacyIndex } from './support/id-index.js';

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
    await toLegacyIndex(redis.raw, `${prefix}:{${queue}}:`);
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
    await toLegacyIndex(redis.raw, `${prefix}:{${queue}}:`);
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

  /**
   * Writes the layout versions 4 and 5 share for `queue`: the no-group ready
   * jobs at priorities other than 0 in the sorted set `fready:` (member
   * <16-digit sequence><id>, score the priority, `rseq` on the job), the
   * no-group group in fgroups. `jobs` are in the order the set holds them.
   */
  async function writeSetLayout(prefix: string, queue: string, jobs: readonly { id: string; priority: number }[], firstSequence: number): Promise<void> {
    const base = `${prefix}:{${queue}}:`;
    const pipeline = redis.raw.pipeline();
    jobs.forEach((job, i) => {
      const sequence = String(5e15 + firstSequence + i).padStart(16, '0');
      pipeline.zadd(`${base}fready:`, job.priority, `${sequence}${job.id}`);
      pipeline.hset(`${base}job:${job.id}`, 'rseq', sequence);
    });
    pipeline.sadd(`${base}fgroups`, '');
    await pipeline.exec();
  }

  async function levelsOf(prefix: string, queue: string): Promise<Record<string, string[]>> {
    const base = `${prefix}:{${queue}}:`;
    const lists: Record<string, string[]> = {};
    for (const level of await redis.raw.zrange(`${base}plevels`, 0, -1)) lists[level] = await redis.raw.lrange(`${base}pready:${level}`, 0, -1);
    return lists;
  }

  it('a_prefix_of_version_5_gets_its_no_group_priority_set_moved_into_level_lists_in_steps', async () => {
    const prefix = `${redis.prefix}:v5`;
    const queue = uniqueQueue();
    const other = uniqueQueue();
    const base = `${prefix}:{${queue}}:`;
    const first = await RedisDriver.connect({ ...testTarget(), db: TEST_DB, keyPrefix: prefix });
    // 2,300 jobs over three levels (more than two migration steps), a plain one and a grouped one.
    const jobs = Array.from({ length: 2300 }, (_, i) => newJob(queue, { priority: [-4, 2, 7][i % 3] as number }));
    const plain = newJob(queue);
    const grouped = newJob(queue, { group: 'g', priority: 1 });
    await first.enqueueMany([...jobs, plain, grouped], T0);
    await first.enqueue(newJob(other, { priority: 1 }), T0);
    await first.close();
    // Back to version 5: the level lists become the one sorted set, in the order the set would hold them.
    const ordered = [-4, 2, 7].flatMap((priority) => jobs.filter((job) => job.priority === priority).map((job) => ({ id: job.id, priority })));
    await redis.raw.del(`${base}plevels`, `${base}pready:-4`, `${base}pready:2`, `${base}pready:7`);
    await writeSetLayout(prefix, queue, ordered, 1);
    const otherBase = `${prefix}:{${other}}:`;
    const otherId = (await redis.raw.lrange(`${otherBase}pready:1`, 0, -1))[0]!;
    await redis.raw.del(`${otherBase}plevels`, `${otherBase}pready:1`);
    await writeSetLayout(prefix, other, [{ id: otherId, priority: 1 }], 1);
    const groupSet = await redis.raw.zrange(`${base}fready:g`, 0, -1, 'WITHSCORES');
    await toLegacyIndex(redis.raw, base);
    await toLegacyIndex(redis.raw, otherBase);
    await redis.raw.set(`${prefix}:version`, '5');

    const driver = await RedisDriver.connect({ ...testTarget(), db: TEST_DB, keyPrefix: prefix });
    try {
      expect(await redis.raw.get(`${prefix}:version`)).toBe(DATA_MODEL_VERSION);
      const byLevel = (priority: number) => jobs.filter((job) => job.priority === priority).map((job) => job.id);
      expect(await levelsOf(prefix, queue)).toEqual({ '-4': byLevel(-4), '2': byLevel(2), '7': byLevel(7) });
      expect(await levelsOf(prefix, other)).toEqual({ '1': [otherId] });
      expect(await redis.raw.exists(`${base}fready:`, `${otherBase}fready:`)).toBe(0);
      expect(await redis.raw.smembers(`${base}fgroups`)).toEqual(['g']);
      expect(await redis.raw.hexists(`${base}job:${jobs[0]!.id}`, 'rseq')).toBe(0);
      // The group's set is not touched.
      expect(await redis.raw.zrange(`${base}fready:g`, 0, -1, 'WITHSCORES')).toEqual(groupSet);
      expect((await driver.counts(queue)).ready).toBe(2302);
      // The no-group group and group g take turns; within no-group, -4 first, then 0, 2, 7.
      const got = await driver.reserve({ queue, limit: 6, leaseMs: 1000, now: T0 });
      const lowest = byLevel(-4);
      expect(got.jobs.map((r) => r.job.id)).toEqual([lowest[0], grouped.id, lowest[1], lowest[2], lowest[3], lowest[4]]);
    } finally {
      await driver.close();
    }
  });

  it('a_level_migration_cut_short_carries_on_at_the_next_connect_in_order', async () => {
    const prefix = `${redis.prefix}:cut5`;
    const queue = uniqueQueue();
    const base = `${prefix}:{${queue}}:`;
    const first = await RedisDriver.connect({ ...testTarget(), db: TEST_DB, keyPrefix: prefix });
    const jobs = [3, 3, 3, -1, 3].map((priority) => newJob(queue, { priority }));
    await first.enqueueMany(jobs, T0);
    await first.close();
    // As left by an interrupted migration: the first two of level 3 already moved, the rest still in the set.
    const [a, b, c, d, e] = jobs.map((job) => job.id) as [string, string, string, string, string];
    await redis.raw.del(`${base}plevels`, `${base}pready:3`, `${base}pready:-1`);
    await redis.raw.rpush(`${base}pready:3`, a, b);
    await redis.raw.zadd(`${base}plevels`, 3, '3');
    await writeSetLayout(
      prefix,
      queue,
      [
        { id: d, priority: -1 },
        { id: c, priority: 3 },
        { id: e, priority: 3 },
      ],
      3,
    );
    await toLegacyIndex(redis.raw, `${prefix}:{${queue}}:`);
    await redis.raw.set(`${prefix}:version`, '5');
    const driver = await RedisDriver.connect({ ...testTarget(), db: TEST_DB, keyPrefix: prefix });
    try {
      expect(await redis.raw.get(`${prefix}:version`)).toBe(DATA_MODEL_VERSION);
      expect(await levelsOf(prefix, queue)).toEqual({ '-1': [d], '3': [a, b, c, e] });
      const got = await driver.reserve({ queue, limit: 10, leaseMs: 1000, now: T0 });
      expect(got.jobs.map((r) => r.job.id)).toEqual([d, a, b, c, e]);
    } finally {
      await driver.close();
    }
  });

  it('a_prefix_of_version_4_gets_its_job_hashes_and_then_its_no_group_priority_set_migrated', async () => {
    const prefix = `${redis.prefix}:v4`;
    const queue = uniqueQueue();
    const base = `${prefix}:{${queue}}:`;
    const first = await RedisDriver.connect({ ...testTarget(), db: TEST_DB, keyPrefix: prefix });
    const low = newJob(queue, { priority: -2, maxAttempts: DEFAULT_MAX_ATTEMPTS });
    const high = [newJob(queue, { priority: 5, maxAttempts: DEFAULT_MAX_ATTEMPTS }), newJob(queue, { priority: 5 })];
    const plain = newJob(queue, { maxAttempts: DEFAULT_MAX_ATTEMPTS });
    await first.enqueueMany([high[0]!, low, plain, high[1]!], T0);
    await first.close();
    // Back to version 4: every hash names its queue and holds max_attempts and created_at_nano, and the levels are the one sorted set.
    for (const job of [low, ...high, plain]) {
      await redis.raw.hset(`${base}job:${job.id}`, 'queue', queue, 'max_attempts', String(job.maxAttempts), 'created_at_nano', `${job.createdAt}000000`);
    }
    await redis.raw.del(`${base}plevels`, `${base}pready:-2`, `${base}pready:5`);
    await writeSetLayout(
      prefix,
      queue,
      [
        { id: low.id, priority: -2 },
        { id: high[0]!.id, priority: 5 },
        { id: high[1]!.id, priority: 5 },
      ],
      1,
    );
    await toLegacyIndex(redis.raw, base);
    await redis.raw.set(`${prefix}:version`, '4');

    const driver = await RedisDriver.connect({ ...testTarget(), db: TEST_DB, keyPrefix: prefix });
    try {
      expect(await redis.raw.get(`${prefix}:version`)).toBe(DATA_MODEL_VERSION);
      expect(await levelsOf(prefix, queue)).toEqual({ '-2': [low.id], '5': [high[0]!.id, high[1]!.id] });
      expect(await redis.raw.exists(`${base}fready:`, `${base}index`)).toBe(0);
      expect(await indexIds(redis.raw, `${base}ids`)).toEqual([low.id, ...high.map((job) => job.id), plain.id].sort());
      expect((await redis.raw.hkeys(`${base}job:${low.id}`)).sort()).toEqual(['created_at_nano', 'payload', 'priority', 'status', 'type']);
      expect((await redis.raw.hkeys(`${base}job:${high[1]!.id}`)).sort()).toEqual([
        'created_at_nano',
        'max_attempts',
        'payload',
        'priority',
        'status',
        'type',
      ]);
      expect((await redis.raw.hkeys(`${base}job:${plain.id}`)).sort()).toEqual(['created_at_nano', 'payload', 'status', 'type']);
      const got = await driver.reserve({ queue, limit: 10, leaseMs: 1000, now: T0 });
      expect(got.jobs.map((r) => [r.job.id, r.job.queue, r.job.priority ?? 0, r.job.maxAttempts])).toEqual([
        [low.id, queue, -2, DEFAULT_MAX_ATTEMPTS],
        [plain.id, queue, 0, DEFAULT_MAX_ATTEMPTS],
        [high[0]!.id, queue, 5, DEFAULT_MAX_ATTEMPTS],
        [high[1]!.id, queue, 5, 3],
      ]);
    } finally {
      await driver.close();
    }
  });
});
