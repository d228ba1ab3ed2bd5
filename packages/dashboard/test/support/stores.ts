import type { Admin, Driver } from '@taskharbor/core';
import { MemoryDriver } from '@taskharbor/driver-memory';
import { RedisDriver } from '@taskharbor/driver-redis';
import { deletePrefix, requireBrowserEnv, testPrefix } from './browser-env.js';

/** A fresh store for a browser suite, and how to clean it up. */
export interface TestStore<D extends Driver & Admin> {
  driver: D;
  close(): Promise<void>;
}

export async function memoryStore(): Promise<TestStore<MemoryDriver>> {
  const driver = new MemoryDriver();
  return { driver, close: () => driver.close() };
}

/** A Redis store (db 14) under a key prefix of its own, deleted on close. */
export async function redisStore(): Promise<TestStore<RedisDriver>> {
  const prefix = testPrefix();
  const driver = await RedisDriver.connect({ url: requireBrowserEnv().redisUrl, db: 14, keyPrefix: prefix });
  return {
    driver,
    close: async () => {
      await deletePrefix(driver, prefix);
      await driver.close();
    },
  };
}
