import { describe, expect, it } from 'vitest';
import { redisEnv, redisTarget } from '../support/property-env.js';

/** The Redis switches of the property tests: skip without a Redis, fail instead when one is required. */
describe('Redis property tests: environment switches', () => {
  it('skip when no Redis is named and none is required', () => {
    expect(redisEnv({})).toEqual({ configured: false, required: false, skip: true });
  });

  it('with TASKHARBOR_REQUIRE_REDIS=1 and no URL they run, and fail with a clear error instead of skipping', () => {
    const env = { TASKHARBOR_REQUIRE_REDIS: '1' };
    expect(redisEnv(env).skip).toBe(false);
    expect(() => redisTarget(env)).toThrow(/TASKHARBOR_REQUIRE_REDIS=1 but neither REDIS_URL nor REDIS_ADDR is set/);
  });

  it('take REDIS_URL, then REDIS_ADDR', () => {
    expect(redisTarget({ REDIS_URL: 'redis://h:1', REDIS_ADDR: 'a:2' })).toEqual({ url: 'redis://h:1' });
    expect(redisTarget({ REDIS_ADDR: 'a:2' })).toEqual({ addr: 'a:2' });
    expect(redisEnv({ REDIS_ADDR: 'a:2' }).skip).toBe(false);
  });
});
