import { randomBytes } from 'node:crypto';
import { newJobId, type NewJobRecord } from '@taskharbor/core';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { RESEND_SAFE_REDIS_OPTIONS, RedisDriver, type RedisDriverCommonOptions, resolveTarget } from '../../src/index.js';

/**
 * The only switch for the Redis tests: they run when REDIS_URL or REDIS_ADDR
 * is set. With TASKHARBOR_REQUIRE_REDIS=1 (CI) they also run without it, and
 * then fail, rather than skip, because no Redis is named.
 */
export const REDIS_CONFIGURED = Boolean(process.env.REDIS_URL || process.env.REDIS_ADDR);
export const REDIS_REQUIRED = process.env.TASKHARBOR_REQUIRE_REDIS === '1';
export const SKIP_REDIS = !REDIS_CONFIGURED && !REDIS_REQUIRED;

/** Tests use DB 14, so a developer's DB 0 is never touched. */
export const TEST_DB = 14;

/** The address the tests connect to; throws when required but not configured. */
export function testTarget(): { url?: string; addr?: string } {
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL };
  if (process.env.REDIS_ADDR) return { addr: process.env.REDIS_ADDR };
  throw new Error('TASKHARBOR_REQUIRE_REDIS=1 but neither REDIS_URL nor REDIS_ADDR is set; point them at a Redis');
}

/** A prefix of its own for one test file and run: `th-test:<file>:<random>`. */
export function filePrefix(file: string): string {
  return `th-test:${file}:${randomBytes(4).toString('hex')}`;
}

/** A queue name no other test uses. */
export function uniqueQueue(): string {
  return `q-${randomBytes(6).toString('hex')}`;
}

/** A valid job record; ids ascend in the order records are made. */
export function newJob(queue: string, overrides: Partial<NewJobRecord> = {}): NewJobRecord {
  const createdAt = overrides.createdAt ?? T0;
  return {
    id: newJobId(createdAt),
    type: 'test.job',
    queue,
    payload: Uint8Array.of(1, 2, 3),
    createdAt,
    maxAttempts: 3,
    ...overrides,
  };
}

/** The `now` tests start from; every semantic test passes explicit times. */
export const T0 = Date.UTC(2030, 0, 1);

/** Escapes glob characters, so SCAN MATCH takes the prefix literally. */
export function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

/** Every key under `prefix` (SCAN MATCH, never KEYS), sorted. */
export async function scanKeys(client: Redis, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await client.scan(cursor, 'MATCH', `${globEscape(prefix)}*`, 'COUNT', 1000);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  return [...new Set(keys)].sort();
}

/** Deletes every key under `prefix`, and nothing else. */
export async function deleteKeys(client: Redis, prefix: string): Promise<void> {
  const keys = await scanKeys(client, prefix);
  for (let i = 0; i < keys.length; i += 500) await client.del(...keys.slice(i, i + 500));
}

/**
 * Fails with a clear message (RedisConnectError naming the address and the
 * cause) when the configured Redis does not answer.
 */
export async function assertRedisReachable(prefix: string): Promise<void> {
  const probe = await RedisDriver.connect({ ...testTarget(), db: TEST_DB, keyPrefix: prefix });
  await probe.close();
}

/** A plain client on the test DB, for checks of the keyspace. */
export function openRawClient(): Redis {
  const target = resolveTarget({ ...testTarget(), db: TEST_DB });
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

export interface RedisFile {
  readonly prefix: string;
  /** A plain client on DB 14 (opened in beforeAll). */
  readonly raw: Redis;
  /** A connected driver under this file's prefix; closed after the test. */
  driver(options?: RedisDriverCommonOptions): Promise<RedisDriver>;
}

/**
 * Per-file setup: a prefix of the file's own, a raw client, drivers closed
 * after each test, and every key under the prefix deleted after the file.
 */
export function useRedisFile(file: string): RedisFile {
  const prefix = filePrefix(file);
  const live: RedisDriver[] = [];
  let raw: Redis | undefined;
  beforeAll(async () => {
    await assertRedisReachable(prefix);
    raw = openRawClient();
    await raw.ping();
  });
  afterEach(async () => {
    for (const driver of live.splice(0)) await driver.close();
  });
  afterAll(async () => {
    if (raw === undefined) return;
    await deleteKeys(raw, `${prefix}:`);
    raw.disconnect();
  });
  return {
    prefix,
    get raw(): Redis {
      if (raw === undefined) throw new Error('the raw client opens in beforeAll');
      return raw;
    },
    async driver(options = {}) {
      const driver = await RedisDriver.connect({ ...testTarget(), db: TEST_DB, keyPrefix: prefix, ...options });
      live.push(driver);
      return driver;
    },
  };
}
