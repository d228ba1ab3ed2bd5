import { readFileSync } from 'node:fs';
import { newJobId } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import { DATA_MODEL_VERSION, RedisDriver } from '../src/index.js';
import { KeySpace } from '../src/keys.js';
import { runMigrateIdsStep } from '../src/lua/migrate.js';
import { INDEX_BUCKET_MAX, indexBuckets, indexIds, indexProblems } from './support/id-index.js';
import { newJob, SKIP_REDIS, T0, TEST_DB, testTarget, uniqueQueue, useRedisFile } from './support/redis-env.js';

/** A small seeded generator (xorshift32), so a failing sequence can be run again. */
function seeded(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 0x1_0000_0000;
  };
}

const byteOrder = (ids: Iterable<string>) => [...ids].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));

async function listAll(driver: RedisDriver, queue: string, limit: number): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await driver.list({ queue, limit, ...(cursor === undefined ? {} : { cursor }) });
    ids.push(...page.jobs.map((job) => job.id));
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return ids;
}

describe.skipIf(SKIP_REDIS)('the bucketed id index (Redis)', () => {
  const redis = useRedisFile('id-index');
  const directory = (queue: string) => `${redis.prefix}:{${queue}}:ids`;

  it('the tests know the bucket size the scripts use', () => {
    const source = readFileSync(new URL('../src/lua/includes/index.lua', import.meta.url), 'utf8');
    expect(source).toContain(`local INDEX_BUCKET_MAX = ${INDEX_BUCKET_MAX}\n`);
  });

  it('ids made in order fill whole buckets from the end, and list pages across them', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    const bulk = Array.from({ length: 1000 }, () => newJob(queue));
    await driver.enqueueMany(bulk, T0);
    const singles = Array.from({ length: 300 }, () => newJob(queue));
    for (const job of singles) await driver.enqueue(job, T0);
    const ids = [...bulk, ...singles].map((job) => job.id);
    expect(await indexProblems(redis.raw, directory(queue))).toEqual([]);
    const buckets = await indexBuckets(redis.raw, directory(queue));
    // 1,300 ids: full buckets and the last one with the rest.
    const full = Math.floor(1300 / INDEX_BUCKET_MAX);
    expect(buckets.map((bucket) => bucket.ids.length)).toEqual([...Array(full).fill(INDEX_BUCKET_MAX), 1300 - full * INDEX_BUCKET_MAX]);
    expect(buckets[0]!.low).toBe('');
    expect(await indexIds(redis.raw, directory(queue))).toEqual(ids);
    expect(await listAll(driver, queue, 50)).toEqual(ids);
    expect(await listAll(driver, queue, INDEX_BUCKET_MAX)).toEqual(ids);
  });

  it('ids a caller chooses, in any order and in bulk, keep every bucket in its range and a listpack', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    const random = seeded(7);
    const held = new Set<string>();
    for (let round = 0; round < 30; round++) {
      const count = round % 3 === 0 ? 1 + Math.floor(random() * 400) : 1 + Math.floor(random() * 5);
      const jobs = Array.from({ length: count }, () => {
        const id = `order-${Math.floor(random() * 1e9)}`;
        held.add(id);
        return newJob(queue, { id });
      });
      await driver.enqueueMany(jobs, T0);
    }
    expect(await indexProblems(redis.raw, directory(queue))).toEqual([]);
    expect(await indexIds(redis.raw, directory(queue))).toEqual(byteOrder(held));
    expect(await listAll(driver, queue, 77)).toEqual(byteOrder(held));
  });

  it('ids that arrive in descending order split buckets in halves, never past the most a bucket holds', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    const ids = Array.from({ length: 600 }, (_, i) => `job-${String(1000 - i).padStart(4, '0')}`);
    for (const id of ids) await driver.enqueue(newJob(queue, { id }), T0);
    expect(await indexProblems(redis.raw, directory(queue))).toEqual([]);
    const sizes = (await indexBuckets(redis.raw, directory(queue))).map((bucket) => bucket.ids.length);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(INDEX_BUCKET_MAX / 2);
    expect(await indexIds(redis.raw, directory(queue))).toEqual(byteOrder(ids));
  });

  it('a scratch set left by a script that failed half way adds nothing to the index', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    await redis.raw.zadd(`${directory(queue)}-sorting`, 0, 'stale-id');
    const jobs = ['b-2', 'a-1', 'c-3'].map((id) => newJob(queue, { id }));
    await driver.enqueueMany(jobs, T0);
    expect(await indexIds(redis.raw, directory(queue))).toEqual(['a-1', 'b-2', 'c-3']);
    expect(await redis.raw.exists(`${directory(queue)}-sorting`)).toBe(0);
  });

  it('new ids that sort below ids a caller chose go into a bucket in the middle', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    // Lower-case names sort after the ids newJobId makes, so the made ids land below them.
    const named = Array.from({ length: 300 }, (_, i) => newJob(queue, { id: `named-${String(i).padStart(3, '0')}` }));
    await driver.enqueueMany(named, T0);
    const made = Array.from({ length: 700 }, () => newJob(queue));
    await driver.enqueueMany(made.slice(0, 400), T0);
    for (const job of made.slice(400)) await driver.enqueue(job, T0);
    expect(await indexProblems(redis.raw, directory(queue))).toEqual([]);
    expect(await indexIds(redis.raw, directory(queue))).toEqual(byteOrder([...named, ...made].map((job) => job.id)));
  });

  it('ids leave their buckets when their jobs go, and an emptied bucket leaves the directory', async () => {
    const driver = await redis.driver({ retention: { maxDoneCount: 0 } });
    const queue = uniqueQueue();
    const jobs = Array.from({ length: 700 }, () => newJob(queue));
    await driver.enqueueMany(jobs, T0);
    for (let left = jobs.length; left > 0; left -= 50) {
      const { jobs: reserved } = await driver.reserve({ queue, limit: 50, leaseMs: 60_000, now: T0 });
      await driver.ackMany(
        reserved.map((r) => r.lease),
        T0 + 1,
      );
      expect(await indexProblems(redis.raw, directory(queue))).toEqual([]);
    }
    expect(await redis.raw.keys(`${directory(queue)}*`)).toEqual([]);
  });

  it('a random mix of bulk and single enqueues, removals and purges keeps the index equal to the jobs held', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    const random = seeded(2024);
    const held = new Set<string>();
    let clock = T0;
    for (let step = 0; step < 120; step++) {
      const roll = random();
      if (roll < 0.45 || held.size === 0) {
        // Made ids (ascending), named ids (any order) or both in one call.
        const count = random() < 0.3 ? 1 + Math.floor(random() * 300) : 1;
        const jobs = Array.from({ length: count }, () => {
          clock += 1;
          const id = random() < 0.5 ? newJobId(clock) : `n-${Math.floor(random() * 1e6)}`;
          return newJob(queue, { id, type: random() < 0.5 ? 'a' : 'b' });
        });
        const results = await driver.enqueueMany(jobs, clock);
        for (const result of results) held.add(result.id);
      } else if (roll < 0.8) {
        const all = [...held];
        for (let i = 0; i < 1 + Math.floor(random() * 40) && all.length > 0; i++) {
          const id = all.splice(Math.floor(random() * all.length), 1)[0]!;
          await driver.remove({ queue, id });
          held.delete(id);
        }
      } else {
        const type = random() < 0.5 ? 'a' : 'b';
        const before = (await listAll(driver, queue, 500)).length;
        const removed = await driver.purge(queue, { status: 'ready', type });
        for (const job of (await driver.list({ queue, limit: 1 })).jobs) expect(held.has(job.id)).toBe(true);
        const after = await listAll(driver, queue, 500);
        expect(after.length).toBe(before - removed);
        held.clear();
        for (const id of after) held.add(id);
      }
      expect(await indexProblems(redis.raw, directory(queue))).toEqual([]);
      expect(await indexIds(redis.raw, directory(queue))).toEqual(byteOrder(held));
    }
    expect(await listAll(driver, queue, 33)).toEqual(byteOrder(held));
  });

  it('a page whose cursor names a bucket that emptied meanwhile carries on from the next one', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    const jobs = Array.from({ length: 400 }, () => newJob(queue));
    await driver.enqueueMany(jobs, T0);
    const size = INDEX_BUCKET_MAX;
    const first = await driver.list({ queue, limit: size + 2 });
    // Empty the second bucket, where the cursor points.
    for (const job of jobs.slice(size, 2 * size)) await driver.remove({ queue, id: job.id });
    const buckets = await indexBuckets(redis.raw, directory(queue));
    expect(buckets[1]!.ids[0]).toBe(jobs[2 * size]!.id);
    expect(buckets.reduce((sum, bucket) => sum + bucket.ids.length, 0)).toBe(400 - size);
    const next = await driver.list({ queue, limit: 10, cursor: first.nextCursor! });
    expect(next.jobs.map((job) => job.id)).toEqual(jobs.slice(2 * size, 2 * size + 10).map((job) => job.id));
  });

  it('a version-7 prefix gets its index moved into buckets at connect, also after a run cut short', async () => {
    const prefix = `${redis.prefix}:v7`;
    const queue = uniqueQueue();
    const keys = new KeySpace(prefix).queue(queue);
    const ids = Array.from({ length: 2500 }, (_, i) => newJobId(T0 + i));
    const write = redis.raw.pipeline();
    for (const id of ids) {
      write.hset(keys.job(id), { type: 'test.job', payload: 'x', status: 'ready' });
      write.rpush(keys.ready, id);
    }
    for (let i = 0; i < ids.length; i += 500) write.zadd(keys.legacyIndex, ...ids.slice(i, i + 500).flatMap((id) => [0, id]));
    write.sadd(`${prefix}:queues`, queue);
    write.set(`${prefix}:version`, '7');
    await write.exec();

    // One step, as an interrupted connect would have left it.
    expect(await runMigrateIdsStep(redis.raw, keys, 1000)).toBe(true);
    expect(await redis.raw.zcard(keys.legacyIndex)).toBe(1500);
    expect(await indexIds(redis.raw, keys.index)).toEqual(ids.slice(0, 1000));
    expect(await redis.raw.get(`${prefix}:version`)).toBe('7');

    const driver = await RedisDriver.connect({ ...testTarget(), db: TEST_DB, keyPrefix: prefix });
    try {
      expect(await redis.raw.get(`${prefix}:version`)).toBe(DATA_MODEL_VERSION);
      expect(await redis.raw.exists(keys.legacyIndex)).toBe(0);
      expect(await indexProblems(redis.raw, keys.index)).toEqual([]);
      expect(await indexIds(redis.raw, keys.index)).toEqual(ids);
      const sizes = (await indexBuckets(redis.raw, keys.index)).map((bucket) => bucket.ids.length);
      // Each step fills the last bucket before starting new ones.
      const full = Math.floor(2500 / INDEX_BUCKET_MAX);
      expect(sizes).toEqual([...Array(full).fill(INDEX_BUCKET_MAX), 2500 - full * INDEX_BUCKET_MAX]);
      expect(await listAll(driver, queue, 1000)).toEqual(ids);
      const { jobs } = await driver.reserve({ queue, limit: 2, leaseMs: 1000, now: T0 });
      expect(jobs.map((r) => r.job.id)).toEqual(ids.slice(0, 2));
    } finally {
      await driver.close();
    }
  });
});
