import { DEFAULT_MAX_ATTEMPTS, JobIdGenerator, jobIdTime, newJobId } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import { createdAtInId } from '../src/id-time.js';
import { DATA_MODEL_VERSION, RedisDriver } from '../src/index.js';
import { KeySpace } from '../src/keys.js';
import { newJob, SKIP_REDIS, T0, TEST_DB, testTarget, uniqueQueue, useRedisFile } from './support/redis-env.js';
import { toLegacyIndex } from './support/id-index.js';

describe('creation times in job ids', () => {
  it('the_time_an_id_generator_writes_is_the_time_read_back', () => {
    // A generator of its own: the shared one never goes back in time, so far-future ids would
    // make every later id of this process start with that time (and keep created_at_nano).
    const ids = new JobIdGenerator();
    for (const ms of [0, 1, 31, 32, T0, T0 + 999, Date.UTC(2100, 0, 1), 2 ** 50 - 1]) {
      const id = ids.next(ms);
      expect(jobIdTime(id)).toBe(ms);
      expect(createdAtInId(id, ms)).toBe(true);
      expect(createdAtInId(id, ms + 1)).toBe(false);
    }
    // Within one millisecond the random part counts up; the time part stays.
    expect(jobIdTime(ids.next(2 ** 50 - 1))).toBe(2 ** 50 - 1);
  });

  it('ids_that_do_not_start_with_ten_base_32_digits_hold_no_time', () => {
    for (const id of ['order-7', '01ARZ3NDE', '01arz3ndektsv4rrffq69g5fav', '01ARZ3NDEUTSV4RRFFQ69G5FAV', '', 'ILOU000000']) {
      expect(jobIdTime(id)).toBeUndefined();
      expect(createdAtInId(id, 0)).toBe(false);
    }
    // Ten digits are enough, whatever follows.
    expect(jobIdTime('0000000001@tick')).toBe(1);
  });
});

describe.skipIf(SKIP_REDIS)('data-model version 7 (Redis)', () => {
  const redis = useRedisFile('data-model-v7');
  /** A job whose id starts with its creation time (the shared generator may be ahead of T0 after other cases). */
  const timedJob = (queue: string, createdAt = T0) => newJob(queue, { id: new JobIdGenerator().next(createdAt), createdAt, maxAttempts: DEFAULT_MAX_ATTEMPTS });

  it('a_hash_leaves_created_at_out_only_when_the_id_starts_with_it_and_every_reader_gets_the_time_back', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    const keys = new KeySpace(redis.prefix).queue(queue);
    const inId = timedJob(queue);
    const named = newJob(queue, { id: 'order-7' });
    const other = newJob(queue, { id: newJobId(T0), createdAt: T0 - 1 });
    await driver.enqueueMany([inId, named, other], T0);
    expect((await redis.raw.hkeys(keys.job(inId.id))).sort()).toEqual(['payload', 'status', 'type']);
    expect(await redis.raw.hget(keys.job(named.id), 'created_at_nano')).toBe(`${T0}000000`);
    expect(await redis.raw.hget(keys.job(other.id), 'created_at_nano')).toBe(`${T0 - 1}000000`);
    const expected = new Map([
      [inId.id, T0],
      [named.id, T0],
      [other.id, T0 - 1],
    ]);
    const times = (jobs: readonly { id: string; createdAt: number }[]) => new Map(jobs.map((job) => [job.id, job.createdAt]));
    expect(times((await driver.list({ queue, limit: 10 })).jobs)).toEqual(expected);
    expect((await driver.inspect({ queue, id: inId.id }))?.createdAt).toBe(T0);
    expect(times((await driver.reserve({ queue, limit: 10, leaseMs: 1000, now: T0 })).jobs.map((r) => r.job))).toEqual(expected);
  });

  it('the_flow_path_reads_the_time_from_the_id_too', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    const keys = new KeySpace(redis.prefix).queue(queue);
    const ranked = { ...timedJob(queue), priority: 3 };
    const grouped = { ...timedJob(queue, T0 + 1), group: 'g' };
    const named = newJob(queue, { id: 'named-ranked', priority: 1 });
    await driver.enqueueMany([ranked, grouped, named], T0);
    expect((await redis.raw.hkeys(keys.job(ranked.id))).sort()).toEqual(['payload', 'priority', 'status', 'type']);
    const { jobs } = await driver.reserve({ queue, limit: 10, leaseMs: 1000, now: T0 });
    expect(new Map(jobs.map((r) => [r.job.id, r.job.createdAt]))).toEqual(
      new Map([
        [named.id, T0],
        [ranked.id, T0],
        [grouped.id, T0 + 1],
      ]),
    );
  });

  it('purge_by_age_reads_the_creation_time_from_the_id_or_the_field', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    const old = timedJob(queue);
    const oldNamed = newJob(queue, { id: 'named-old', createdAt: T0 });
    const young = timedJob(queue, T0 + 10_000);
    const youngNamed = newJob(queue, { id: 'named-young', createdAt: T0 + 10_000 });
    await driver.enqueueMany([old, oldNamed, young, youngNamed], T0 + 10_000);
    expect(await driver.purge(queue, { status: 'ready', olderThanMs: 5000, now: T0 + 10_000 })).toBe(2);
    const left = (await driver.list({ queue, limit: 10 })).jobs.map((job) => job.id).sort();
    expect(left).toEqual([young.id, youngNamed.id].sort());
  });

  it('a_version_6_prefix_moves_on_at_connect_and_its_hashes_read_as_before', async () => {
    const prefix = `${redis.prefix}:v6`;
    const queue = uniqueQueue();
    const keys = new KeySpace(prefix).queue(queue);
    const first = await RedisDriver.connect({ ...testTarget(), db: TEST_DB, keyPrefix: prefix });
    const earlier = timedJob(queue);
    await first.enqueue(earlier, T0);
    await first.close();
    // As version 6 wrote it: every hash holds created_at_nano.
    await redis.raw.hset(keys.job(earlier.id), 'created_at_nano', `${T0}000000`);
    await toLegacyIndex(redis.raw, keys.base);
    await redis.raw.set(`${prefix}:version`, '6');

    const driver = await RedisDriver.connect({ ...testTarget(), db: TEST_DB, keyPrefix: prefix });
    try {
      expect(await redis.raw.get(`${prefix}:version`)).toBe(DATA_MODEL_VERSION);
      expect(await redis.raw.hget(keys.job(earlier.id), 'created_at_nano')).toBe(`${T0}000000`);
      const later = timedJob(queue);
      await driver.enqueue(later, T0);
      expect(await redis.raw.hexists(keys.job(later.id), 'created_at_nano')).toBe(0);
      const { jobs } = await driver.reserve({ queue, limit: 10, leaseMs: 1000, now: T0 });
      expect(jobs.map((r) => [r.job.id, r.job.createdAt, r.job.maxAttempts])).toEqual([
        [earlier.id, T0, DEFAULT_MAX_ATTEMPTS],
        [later.id, T0, DEFAULT_MAX_ATTEMPTS],
      ]);
    } finally {
      await driver.close();
    }
  });
});
