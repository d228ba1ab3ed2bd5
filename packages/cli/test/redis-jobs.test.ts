import { RedisDriver } from '@taskharbor/driver-redis';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, deletePrefix, redisUrl, STACK_LINE, uniquePrefix } from './support/cli.js';
import { jobScenarios } from './support/job-scenarios.js';

describe('Redis for the CLI tests', () => {
  it('is configured whenever TASKHARBOR_REQUIRE_REDIS=1 (CI), so the Redis tests cannot skip silently there', () => {
    const required = process.env.TASKHARBOR_REQUIRE_REDIS === '1';
    expect(!required || redisUrl !== undefined, 'TASKHARBOR_REQUIRE_REDIS=1 but neither REDIS_URL nor REDIS_ADDR is set').toBe(true);
  });
});

describe.skipIf(!redisUrl)('taskharbor on Redis: enqueue, inspect, list, errors', () => {
  const prefix = uniquePrefix('jobs');
  const R = ['--driver', 'redis', '--prefix', prefix];

  afterAll(async () => {
    await deletePrefix(prefix);
  });

  /** Runs raw commands on the tests' Redis, through a driver on this file's prefix. */
  async function onRedis<T>(run: (client: RedisDriver['client']) => Promise<T>): Promise<T> {
    const driver = await RedisDriver.connect({ url: redisUrl, keyPrefix: prefix });
    try {
      return await run(driver.client);
    } finally {
      await driver.close();
    }
  }

  jobScenarios(() => R);

  it('exits 1 quickly with the address when Redis is unreachable', async () => {
    const result = await cli(['--driver', 'redis', '--redis-url', 'redis://127.0.0.1:1', '--prefix', prefix, 'list']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: cannot connect to Redis at redis:\/\/127\.0\.0\.1:1\/0 \(from --redis-url\): connect ECONNREFUSED/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).not.toMatch(STACK_LINE);
    expect(result.ms).toBeLessThan(5_000);
    const badScheme = await cli(['--driver', 'redis', '--redis-url', 'http://127.0.0.1:6379', 'list']);
    expect(badScheme.code).toBe(2);
    expect(badScheme.stderr).toMatch(/--redis-url: invalid url: unsupported scheme http:/);
  });

  it('exits 1 and writes nothing into db 0 for a database the server lacks', async () => {
    const base = new URL(redisUrl as string);
    base.pathname = '/99';
    const wrongDb = await cli(['--driver', 'redis', '--redis-url', base.href, '--prefix', `${prefix}-db99`, 'enqueue', '--type', 't']);
    expect(wrongDb.code).toBe(1);
    expect(wrongDb.stdout).toBe('');
    expect(wrongDb.stderr).toMatch(/^error: cannot connect to Redis at redis:\/\/.*\/99 \(from --redis-url\): SELECT failed: ERR DB index is out of range/);
    // Had the SELECT been dropped, connect would have written the version key and the enqueue its queue into db 0.
    expect(await onRedis((client) => client.call('EXISTS', `${prefix}-db99:version`, `${prefix}-db99:queues`))).toBe(0);
  });

  it('exits 1 for a wrong password, which it does not print', async () => {
    const wrongPassword = new URL(redisUrl as string);
    wrongPassword.username = 'th-no-such-user';
    wrongPassword.password = 'wrong-secret';
    const denied = await cli(['--driver', 'redis', '--redis-url', wrongPassword.href, '--prefix', `${prefix}-auth`, 'enqueue', '--type', 't']);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(/^error: cannot connect to Redis at redis:\/\/th-no-such-user:\*\*\*@.* AUTH failed: WRONGPASS/);
    expect(denied.stderr).not.toContain('wrong-secret');
  });

  it('exits 1 for a prefix of another data-model version and leaves it as it was', async () => {
    await onRedis((client) => client.call('SET', `${prefix}-old:version`, '0'));
    const oldModel = await cli(['--driver', 'redis', '--prefix', `${prefix}-old`, 'enqueue', '--type', 't']);
    expect(oldModel.code).toBe(1);
    expect(oldModel.stderr).toMatch(/: .*-old:version holds data-model version "0", but this driver reads and writes version \d+;/);
    expect(await onRedis((client) => client.call('GET', `${prefix}-old:version`))).toBe('0');
    await onRedis((client) => client.call('DEL', `${prefix}-old:version`));
  });
});
