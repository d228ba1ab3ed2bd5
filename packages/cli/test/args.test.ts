import { describe, expect, it } from 'vitest';
import { GLOBAL_OPTIONS, resolveGlobalFlags, splitAtCommand } from '../src/args/global-flags.js';
import { parseCommandLine } from '../src/args/parse.js';
import { parseRegistrations } from '../src/commands/worker-options.js';
import { UsageError } from '../src/errors.js';

describe('splitAtCommand', () => {
  it('skips global flags and the values of those that take one', () => {
    expect(splitAtCommand(['--driver', 'redis', '--json', '--queue=q', 'dlq', 'list', '--limit', '5'])).toEqual({
      globalArgs: ['--driver', 'redis', '--json', '--queue=q'],
      rest: ['dlq', 'list', '--limit', '5'],
    });
    expect(splitAtCommand(['list'])).toEqual({ globalArgs: [], rest: ['list'] });
    expect(splitAtCommand(['--help'])).toEqual({ globalArgs: ['--help'], rest: [] });
  });
});

describe('resolveGlobalFlags', () => {
  const parse = (argv: string[]) => parseCommandLine(argv, GLOBAL_OPTIONS);

  it('defaults to the memory driver and the default queue', () => {
    expect(resolveGlobalFlags(parse([]), {})).toEqual({ driver: 'memory', queue: 'default', queueExplicit: false, json: false, verbose: false });
  });

  it('takes the driver from TASKHARBOR_DRIVER and the address from REDIS_URL, then REDIS_ADDR; flags win', () => {
    expect(resolveGlobalFlags(parse([]), { TASKHARBOR_DRIVER: 'redis', REDIS_ADDR: 'h:1' }).redisAddress).toEqual({
      value: 'h:1',
      source: 'REDIS_ADDR',
    });
    const flags = resolveGlobalFlags(parse(['--redis-url', 'redis://x:2']), { TASKHARBOR_DRIVER: 'redis', REDIS_URL: 'redis://y:3' });
    expect(flags.driver).toBe('redis');
    expect(flags.redisAddress).toEqual({ value: 'redis://x:2', source: '--redis-url' });
    expect(resolveGlobalFlags(parse(['--driver', 'memory']), { TASKHARBOR_DRIVER: 'redis' }).driver).toBe('memory');
  });

  it('takes the prefix from TASKHARBOR_PREFIX on Redis and ignores it on the memory driver', () => {
    expect(resolveGlobalFlags(parse(['--driver', 'redis']), { TASKHARBOR_PREFIX: 'app' }).prefix).toBe('app');
    expect(resolveGlobalFlags(parse(['--driver', 'redis', '--prefix', 'flag']), { TASKHARBOR_PREFIX: 'app' }).prefix).toBe('flag');
    expect(resolveGlobalFlags(parse([]), { TASKHARBOR_PREFIX: 'app' }).prefix).toBeUndefined();
  });

  it('refuses an unknown driver and Redis flags on the memory driver', () => {
    expect(() => resolveGlobalFlags(parse(['--driver', 'pg']), {})).toThrow(/--driver: expected memory, redis or postgres, got "pg"/);
    expect(() => resolveGlobalFlags(parse([]), { TASKHARBOR_DRIVER: 'mem' })).toThrow(/TASKHARBOR_DRIVER: expected memory, redis or postgres/);
    expect(() => resolveGlobalFlags(parse(['--prefix', 'p']), {})).toThrow(/--prefix applies only to the Redis driver/);
    expect(() => resolveGlobalFlags(parse(['--redis-url', 'redis://x']), {})).toThrow(UsageError);
  });

  it('takes the database from --database-url, then DATABASE_URL, and the schema from --schema, then TASKHARBOR_SCHEMA', () => {
    const env = { DATABASE_URL: 'postgres://env@h/db', TASKHARBOR_SCHEMA: 'jobs' };
    expect(resolveGlobalFlags(parse(['--driver', 'postgres']), env)).toMatchObject({
      driver: 'postgres',
      databaseUrl: { value: 'postgres://env@h/db', source: 'DATABASE_URL' },
      schema: { value: 'jobs', source: 'TASKHARBOR_SCHEMA' },
    });
    const flags = resolveGlobalFlags(parse(['--driver', 'postgres', '--database-url', 'postgresql://flag@h/db', '--schema', 'mine']), env);
    expect(flags.databaseUrl).toEqual({ value: 'postgresql://flag@h/db', source: '--database-url' });
    expect(flags.schema).toEqual({ value: 'mine', source: '--schema' });
    expect(resolveGlobalFlags(parse([]), { TASKHARBOR_DRIVER: 'postgres' })).toEqual({
      driver: 'postgres',
      queue: 'default',
      queueExplicit: false,
      json: false,
      verbose: false,
    });
    // The other drivers ignore the Postgres variables, as the Postgres driver ignores REDIS_URL and TASKHARBOR_PREFIX.
    expect(resolveGlobalFlags(parse(['--driver', 'redis']), env)).not.toHaveProperty('databaseUrl');
    expect(resolveGlobalFlags(parse(['--driver', 'postgres']), { REDIS_URL: 'redis://x', TASKHARBOR_PREFIX: 'p' })).not.toHaveProperty('prefix');
  });

  it('refuses a database URL of another scheme, without echoing it, and each driver the flags of another', () => {
    const secret = 'mysql://u:hunter2@h/db';
    expect(() => resolveGlobalFlags(parse(['--driver', 'postgres', '--database-url', secret]), {})).toThrow(
      /^--database-url: unsupported scheme mysql:; expected postgres:\/\/ or postgresql:\/\/$/,
    );
    expect(() => resolveGlobalFlags(parse(['--driver', 'postgres']), { DATABASE_URL: 'host=h dbname=x' })).toThrow(/^DATABASE_URL: not a URL/);
    expect(() => resolveGlobalFlags(parse(['--database-url', 'postgres://h/db']), {})).toThrow(
      /--database-url applies only to the Postgres driver, but the driver is memory; add --driver postgres/,
    );
    expect(() => resolveGlobalFlags(parse(['--driver', 'redis', '--schema', 's']), {})).toThrow(/--schema applies only to the Postgres driver, but the driver is redis/);
    expect(() => resolveGlobalFlags(parse(['--driver', 'postgres', '--prefix', 'p']), {})).toThrow(/--prefix applies only to the Redis driver, but the driver is postgres/);
    expect(() => resolveGlobalFlags(parse(['--driver', 'postgres', '--redis-url', 'redis://x']), {})).toThrow(UsageError);
  });
});

describe('parseCommandLine', () => {
  it('turns node:util parse errors into short usage errors', () => {
    const options = { limit: { type: 'string' }, all: { type: 'boolean' } } as const;
    expect(() => parseCommandLine(['--nope'], options, 'list')).toThrow('unknown option --nope');
    expect(() => parseCommandLine(['--limit'], options, 'list')).toThrow('--limit needs a value');
    expect(() => parseCommandLine(['--all=yes'], options, 'list')).toThrow('--all takes no value');
  });
});

describe('parseRegistrations', () => {
  it('maps types to built-ins, with a bare name meaning the same type', () => {
    expect([...parseRegistrations(['email.send=echo', 'sleep', 'boom=fail'])]).toEqual([
      ['email.send', 'echo'],
      ['sleep', 'sleep'],
      ['boom', 'fail'],
    ]);
  });

  it('refuses unknown built-ins and a type given twice', () => {
    expect(() => parseRegistrations(['x=shout'])).toThrow(/"shout" is not a built-in handler; the built-ins are echo, fail, sleep/);
    expect(() => parseRegistrations(['x=echo', 'x=fail'])).toThrow(/registered twice/);
  });
});
