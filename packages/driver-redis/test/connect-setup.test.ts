import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisConnectError, RedisDataModelError, RedisDriver, resolveTarget } from '../src/index.js';
import { type PrivateRedis, startPrivateRedis } from './support/redis-process.js';
import { SKIP_REDIS, scanKeys, TEST_DB, testTarget, useRedisFile } from './support/redis-env.js';

/**
 * Every step of setting up a connection that can fail makes connect reject
 * with a RedisConnectError naming the step, and leaves nothing written.
 */
describe.skipIf(SKIP_REDIS)('connect fails on any failed setup step (Redis)', () => {
  const redis = useRedisFile('connect-setup');

  async function connectError(options: Parameters<typeof RedisDriver.connect>[0]): Promise<RedisConnectError> {
    const error = await RedisDriver.connect(options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedisConnectError);
    return error as RedisConnectError;
  }

  it('a_database_the_server_does_not_have_fails_and_writes_nothing_into_db_0', async () => {
    const target = resolveTarget(testTarget());
    const prefix = `${redis.prefix}:db99`;
    const error = await connectError({ ...testTarget(), db: 99, keyPrefix: prefix });
    expect(error.message).toMatch(/\/99: SELECT failed: ERR DB index is out of range; the database number must be below/);
    expect(error.reason).toMatch(/^SELECT failed/);
    const db0 = new Redis({ host: target.host, port: target.port, username: target.username, password: target.password, db: 0 });
    try {
      expect(await scanKeys(db0, prefix)).toEqual([]);
    } finally {
      db0.disconnect();
    }
  });

  it('a_database_in_the_url_is_checked_too', async () => {
    const target = resolveTarget(testTarget());
    const auth = target.username === undefined ? '' : `${target.username}:${target.password ?? ''}@`;
    const error = await connectError({ url: `redis://${auth}${target.host}:${target.port}/99`, keyPrefix: `${redis.prefix}:url99` });
    expect(error.reason).toMatch(/^SELECT failed: ERR DB index is out of range/);
  });

  it('a_connection_name_redis_refuses_fails', async () => {
    const error = await connectError({ ...testTarget(), db: TEST_DB, keyPrefix: redis.prefix, redisOptions: { connectionName: 'has space' } });
    expect(error.reason).toMatch(/^CLIENT failed: .*spaces.*; check redisOptions\.connectionName/);
  });

  it('a_valid_connection_name_is_set', async () => {
    const driver = await redis.driver();
    const named = await RedisDriver.connect({ ...testTarget(), db: TEST_DB, keyPrefix: redis.prefix, redisOptions: { connectionName: 'th-named' } });
    try {
      expect(await (named.client as Redis).client('GETNAME')).toBe('th-named');
    } finally {
      await named.close();
      await driver.close();
    }
  });

  it('a_prefix_of_another_data_model_version_fails_connect_and_is_left_as_it_was', async () => {
    const prefix = `${redis.prefix}:old`;
    await redis.raw.set(`${prefix}:version`, '0');
    const error = await connectError({ ...testTarget(), db: TEST_DB, keyPrefix: prefix });
    expect(error.cause).toBeInstanceOf(RedisDataModelError);
    expect(error.reason).toMatch(/:old:version holds data-model version "0", but this driver reads and writes version \d+;/);
    expect(await redis.raw.get(`${prefix}:version`)).toBe('0');
  });

  describe('a server that requires a password', () => {
    let server: PrivateRedis | undefined;
    beforeAll(async () => {
      server = await startPrivateRedis(['--requirepass', 'right-secret'], 'right-secret');
    });
    afterAll(async () => {
      await server?.stop();
    });
    const port = () => server?.port ?? expect.fail('the server starts in beforeAll');

    it('a_wrong_password_fails_with_auth_named_and_the_password_hidden', async () => {
      const error = await connectError({ url: `redis://:wrong-secret@127.0.0.1:${port()}` });
      expect(error.message).toMatch(/^could not connect to Redis at redis:\/\/127\.0\.0\.1:\d+\/0: AUTH failed: WRONGPASS/);
      expect(error.message).not.toContain('wrong-secret');
    });

    it('no_password_fails_at_the_first_command', async () => {
      const error = await connectError({ url: `redis://127.0.0.1:${port()}` });
      expect(error.message).toMatch(/NOAUTH/);
    });

    it('the_right_password_connects', async () => {
      const driver = await RedisDriver.connect({ url: `redis://:right-secret@127.0.0.1:${port()}` });
      try {
        expect(await driver.queues()).toEqual([]);
      } finally {
        await driver.close();
      }
    });
  });
});
