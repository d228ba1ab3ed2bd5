import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { RedisDriver } from '@taskharbor/driver-redis';

/**
 * The browser suites' switches. They run with a Chromium (CHROMIUM_PATH,
 * else Debian's chromium on PATH), and the Redis suite with a Redis too
 * (REDIS_URL or REDIS_ADDR). Without them a suite is skipped, unless
 * TASKHARBOR_REQUIRE_REDIS (for Redis) or TASKHARBOR_REQUIRE_BROWSER (for
 * Chromium), both set by CI, asks for a failure instead.
 */
export const REDIS_URL = process.env.REDIS_URL || (process.env.REDIS_ADDR ? `redis://${process.env.REDIS_ADDR}` : undefined);

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export const CHROMIUM = process.env.CHROMIUM_PATH || CANDIDATES.find((path) => existsSync(path));

const redisRequired = process.env.TASKHARBOR_REQUIRE_REDIS === '1';
const browserRequired = process.env.TASKHARBOR_REQUIRE_BROWSER === '1';

export const SKIP_BROWSER = (REDIS_URL === undefined && !redisRequired) || (CHROMIUM === undefined && !browserRequired);

/** For the browser cases on the memory driver, which need only Chromium. */
export const SKIP_CHROMIUM = CHROMIUM === undefined && !browserRequired;

export function requireChromium(): string {
  if (CHROMIUM === undefined) throw new Error('the dashboard browser tests need Chromium: apt-get install chromium, or set CHROMIUM_PATH');
  return CHROMIUM;
}

export function requireBrowserEnv(): { redisUrl: string; chromium: string } {
  if (REDIS_URL === undefined) throw new Error('the dashboard browser tests need a Redis: set REDIS_URL (or REDIS_ADDR)');
  if (CHROMIUM === undefined) throw new Error('the dashboard browser tests need Chromium: apt-get install chromium, or set CHROMIUM_PATH');
  return { redisUrl: REDIS_URL, chromium: CHROMIUM };
}

export function testPrefix(): string {
  return `th-test:dashboard:${randomBytes(4).toString('hex')}`;
}

export async function deletePrefix(driver: RedisDriver, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = (await driver.client.call('SCAN', cursor, 'MATCH', `${prefix}:*`, 'COUNT', '1000')) as [string, string[]];
    cursor = next;
    if (keys.length > 0) await driver.client.call('DEL', ...keys);
  } while (cursor !== '0');
}
