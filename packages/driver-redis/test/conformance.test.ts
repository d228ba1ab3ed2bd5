import { runConformance } from '@taskharbor/testkit';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe } from 'vitest';
import { RedisDriver } from '../src/index.js';
import { assertRedisReachable, deleteKeys, filePrefix, openRawClient, SKIP_REDIS, TEST_DB, testTarget } from './support/redis-env.js';

// Every case uses queues of its own, so one prefix serves the whole file; its keys go at the end.
const prefix = filePrefix('conformance');

describe.skipIf(SKIP_REDIS)('conformance on a single Redis', () => {
  let raw: Redis | undefined;
  beforeAll(async () => {
    await assertRedisReachable(prefix);
    raw = openRawClient();
  });
  afterAll(async () => {
    if (raw === undefined) return;
    await deleteKeys(raw, `${prefix}:`);
    raw.disconnect();
  });

  runConformance({
    name: 'RedisDriver',
    createDriver: ({ retention }) => RedisDriver.connect({ ...testTarget(), db: TEST_DB, keyPrefix: prefix, retention }),
  });
});
