import type { Redis } from 'ioredis';

/** The most ids a bucket holds: INDEX_BUCKET_MAX in src/lua/includes/index.lua (id-index.test.ts checks they agree). */
export const INDEX_BUCKET_MAX = 64;

/** One bucket of the id index (src/lua/includes/index.lua): its low bound, its ids in order, and how Redis encodes it. */
export interface IndexBucket {
  readonly low: string;
  readonly ids: string[];
  readonly encoding: string | null;
}

function byteLess(a: string, b: string): boolean {
  return Buffer.compare(Buffer.from(a), Buffer.from(b)) < 0;
}

/** The buckets the directory names, in order. */
export async function indexBuckets(client: Redis, directoryKey: string): Promise<IndexBucket[]> {
  const lows = await client.zrange(directoryKey, 0, -1);
  return Promise.all(
    lows.map(async (low) => {
      const key = `${directoryKey}:${low}`;
      const [ids, encoding] = await Promise.all([client.zrange(key, 0, -1), client.object('ENCODING', key) as Promise<string | null>]);
      return { low, ids, encoding };
    }),
  );
}

/** Every id the index holds, in its order. */
export async function indexIds(client: Redis, directoryKey: string): Promise<string[]> {
  return (await indexBuckets(client, directoryKey)).flatMap((bucket) => bucket.ids);
}

/**
 * What breaks the index's rules, one line each (none: it keeps them): every
 * bucket the directory names holds between 1 and INDEX_BUCKET_MAX ids, is a
 * listpack, and holds only ids from its bound up to the next.
 */
export async function indexProblems(client: Redis, directoryKey: string): Promise<string[]> {
  const buckets = await indexBuckets(client, directoryKey);
  const problems: string[] = [];
  buckets.forEach((bucket, i) => {
    const next = buckets[i + 1]?.low;
    if (bucket.ids.length === 0) problems.push(`bucket "${bucket.low}" is empty`);
    if (bucket.ids.length > INDEX_BUCKET_MAX) problems.push(`bucket "${bucket.low}" holds ${bucket.ids.length} ids`);
    if (bucket.ids.length > 0 && bucket.encoding !== 'listpack') problems.push(`bucket "${bucket.low}" is a ${bucket.encoding}`);
    for (const id of bucket.ids) {
      if (byteLess(id, bucket.low) || (next !== undefined && !byteLess(id, next))) problems.push(`id ${id} is outside bucket "${bucket.low}"`);
    }
  });
  return problems;
}

/**
 * Turns one queue's bucketed index (data model 8) back into the one sorted
 * set of data models 2 to 7, for tests that write an older layout. `base`
 * is the queue's key base, `<prefix>:{<queue>}:`.
 */
export async function toLegacyIndex(client: Redis, base: string): Promise<void> {
  const directory = `${base}ids`;
  const ids = await indexIds(client, directory);
  const lows = await client.zrange(directory, 0, -1);
  await client.del(directory, ...lows.map((low) => `${directory}:${low}`));
  if (ids.length > 0) await client.zadd(`${base}index`, ...ids.flatMap((id) => [0, id]));
}
