import { createHash, randomBytes } from 'node:crypto';
import { RESEND_SAFE_REDIS_OPTIONS, RedisDriver, type RedisDriverCommonOptions, resolveTarget } from '@taskharbor/driver-redis';
import { Redis } from 'ioredis';

/**
 * Environment of the property tests: run sizes, the seed, and the Redis
 * switches (REDIS_URL / REDIS_ADDR, TASKHARBOR_REQUIRE_REDIS).
 */

type Env = Record<string, string | undefined>;

export interface RedisEnv {
  /** REDIS_URL or REDIS_ADDR is set. */
  configured: boolean;
  /** TASKHARBOR_REQUIRE_REDIS=1: fail rather than skip when no Redis is named. */
  required: boolean;
  /** The Redis describe blocks skip: nothing configured and nothing required. */
  skip: boolean;
}

export function redisEnv(env: Env = process.env): RedisEnv {
  const configured = Boolean(env.REDIS_URL || env.REDIS_ADDR);
  const required = env.TASKHARBOR_REQUIRE_REDIS === '1';
  return { configured, required, skip: !configured && !required };
}

/** Where the Redis tests connect; throws (so the tests fail) when Redis is required but not named. */
export function redisTarget(env: Env = process.env): { url?: string; addr?: string } {
  if (env.REDIS_URL) return { url: env.REDIS_URL };
  if (env.REDIS_ADDR) return { addr: env.REDIS_ADDR };
  throw new Error('TASKHARBOR_REQUIRE_REDIS=1 but neither REDIS_URL nor REDIS_ADDR is set; point them at a Redis');
}

export const SKIP_REDIS = redisEnv().skip;

/** Property tests use DB 14 only, never flush it, and delete only their own keys. */
export const TEST_DB = 14;

/** A prefix of the test file's own for this run: `th-rel-prop-<file>-<random>`. */
export function propertyPrefix(file: string): string {
  return `th-rel-prop-${file}-${randomBytes(4).toString('hex')}`;
}

export function connectRedis(prefix: string, options: RedisDriverCommonOptions = {}): Promise<RedisDriver> {
  return RedisDriver.connect({ ...redisTarget(), db: TEST_DB, keyPrefix: prefix, ...options });
}

/** A plain client on DB 14, for looking at the keyspace. */
export function openRawClient(): Redis {
  const target = resolveTarget({ ...redisTarget(), db: TEST_DB });
  const client = new Redis({
    host: target.host,
    port: target.port,
    db: TEST_DB,
    ...(target.username === undefined ? {} : { username: target.username }),
    ...(target.password === undefined ? {} : { password: target.password }),
    ...(target.tls ? { tls: {} } : {}),
    ...RESEND_SAFE_REDIS_OPTIONS,
  });
  client.on('error', () => undefined);
  return client;
}

function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

/** Every key under `prefix:` (SCAN MATCH, never KEYS), sorted. */
export async function scanKeys(client: Redis, prefix: string): Promise<string[]> {
  const keys = new Set<string>();
  let cursor = '0';
  do {
    const [next, batch] = await client.scan(cursor, 'MATCH', `${globEscape(prefix)}:*`, 'COUNT', 1000);
    for (const key of batch) keys.add(key);
    cursor = next;
  } while (cursor !== '0');
  return [...keys].sort();
}

/**
 * The keyspace under a prefix as text: every key with its type and its
 * whole value (hashes and sets sorted, as a SHA-256), so any write shows up as a change.
 */
export async function keyspaceSnapshot(client: Redis, prefix: string): Promise<string[]> {
  const keys = await scanKeys(client, prefix);
  const types = await Promise.all(keys.map((key) => client.type(key)));
  return Promise.all(
    keys.map(async (key, i) => {
      const type = types[i];
      let value: unknown;
      if (type === 'string') value = (await client.getBuffer(key))?.toString('base64');
      else if (type === 'hash') {
        const hash = await client.hgetallBuffer(key);
        value = Object.keys(hash)
          .sort()
          .map((field) => `${field}=${(hash[field] as Buffer).toString('base64')}`);
      } else if (type === 'list') value = await client.lrange(key, 0, -1);
      else if (type === 'zset') value = await client.zrange(key, 0, -1, 'WITHSCORES');
      else if (type === 'set') value = (await client.smembers(key)).sort();
      // A digest keeps 4 MiB payloads cheap to compare.
      return `${key} ${type} ${createHash('sha256').update(JSON.stringify(value)).digest('hex')}`;
    }),
  );
}

/** Deletes every key under `prefix:`, and nothing else. */
export async function deleteKeys(client: Redis, prefix: string): Promise<void> {
  const keys = await scanKeys(client, prefix);
  for (let i = 0; i < keys.length; i += 500) await client.del(...keys.slice(i, i + 500));
}

/** RELIABILITY_SIZE=large runs many more cases locally; CI uses the small default. */
export const LARGE = process.env.RELIABILITY_SIZE === 'large';

/** FC_SEED replays a run; FC_PATH (with FC_SEED) replays one shrunk counterexample. */
export function fcParams(numRuns: { ci: number; large: number }): { numRuns: number; seed?: number; path?: string } {
  const params: { numRuns: number; seed?: number; path?: string } = { numRuns: LARGE ? numRuns.large : numRuns.ci };
  const seed = process.env.FC_SEED;
  if (seed !== undefined && seed !== '') {
    const parsed = Number(seed);
    if (!Number.isInteger(parsed)) throw new Error(`FC_SEED must be an integer, got ${seed}`);
    params.seed = parsed;
    if (process.env.FC_PATH) params.path = process.env.FC_PATH;
  }
  return params;
}

/** The `now` the property tests start from. */
export const T0 = Date.UTC(2030, 0, 1);
