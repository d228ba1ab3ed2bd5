/**
 * Per-file setup of the fault tests that run on the shared Redis: a prefix
 * of the file's own, a plain client for the start log and checks, and a
 * driver that keeps every done job (the tests read each job's final
 * record). Afterwards every worker process is killed and every key under
 * the prefix deleted.
 */
import { RedisDriver } from '@taskharbor/driver-redis';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import {
  deleteKeys,
  KEEP_DONE_JOBS,
  killAllWorkers,
  openShared,
  requireSharedRedisUrl,
  startsKeyOf,
  TEST_DB,
  uniqueName,
} from './fault-harness.js';

export interface SharedFaultRedis {
  readonly prefix: string;
  /** The list the workers log each handler start to. */
  readonly startsKey: string;
  /** Set in beforeAll. */
  readonly url: string;
  readonly redis: Redis;
  readonly driver: RedisDriver;
}

/** Call inside a describe block: registers its beforeAll and afterAll. */
export function useSharedFaultRedis(kind: string): SharedFaultRedis {
  const prefix = uniqueName(kind);
  let url: string | undefined;
  let redis: Redis | undefined;
  let driver: RedisDriver | undefined;

  beforeAll(async () => {
    url = requireSharedRedisUrl();
    redis = openShared(url);
    driver = await RedisDriver.connect({ url, db: TEST_DB, keyPrefix: prefix, retention: KEEP_DONE_JOBS });
  });

  afterAll(async () => {
    await killAllWorkers();
    await driver?.close();
    if (redis !== undefined) {
      await deleteKeys(redis, `${prefix}:*`);
      redis.disconnect();
    }
  });

  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is set in beforeAll; use it inside a test`);
    return value;
  };
  return {
    prefix,
    startsKey: startsKeyOf(prefix),
    get url() {
      return ready(url, 'url');
    },
    get redis() {
      return ready(redis, 'redis');
    },
    get driver() {
      return ready(driver, 'driver');
    },
  };
}
