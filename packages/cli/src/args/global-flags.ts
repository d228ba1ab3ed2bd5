import { DEFAULT_QUEUE, validateName } from '@taskharbor/core';
import { UsageError } from '../errors.js';
import type { Args, OptionSpec } from './parse.js';

export type DriverKind = 'memory' | 'redis' | 'postgres';

const DRIVERS: readonly DriverKind[] = ['memory', 'redis', 'postgres'];

/** The flags that only one driver reads: given with another driver they are a usage error. */
const DRIVER_FLAGS: Readonly<Record<string, { driver: DriverKind; name: string }>> = {
  'redis-url': { driver: 'redis', name: 'Redis' },
  prefix: { driver: 'redis', name: 'Redis' },
  'database-url': { driver: 'postgres', name: 'Postgres' },
  schema: { driver: 'postgres', name: 'Postgres' },
};

/** Flags every command takes. They go before the command and are accepted after it too. */
export const GLOBAL_OPTIONS = {
  driver: { type: 'string' },
  'redis-url': { type: 'string' },
  prefix: { type: 'string' },
  'database-url': { type: 'string' },
  schema: { type: 'string' },
  queue: { type: 'string' },
  json: { type: 'boolean' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const satisfies OptionSpec;

export interface GlobalFlags {
  driver: DriverKind;
  /** Where the Redis address came from, for messages; unset means the driver's default (localhost:6379). */
  redisAddress?: { value: string; source: '--redis-url' | 'REDIS_URL' | 'REDIS_ADDR' };
  prefix?: string;
  /** Where the PostgreSQL URL came from, for messages; unset means none was given (the Postgres driver then refuses to start). */
  databaseUrl?: { value: string; source: '--database-url' | 'DATABASE_URL' };
  /** The Postgres schema and where it came from; unset means the driver's default (taskharbor). The driver checks the name. */
  schema?: { value: string; source: '--schema' | 'TASKHARBOR_SCHEMA' };
  queue: string;
  /** The user named the queue: commands that take a job id then look only there. */
  queueExplicit: boolean;
  json: boolean;
  verbose: boolean;
}

/**
 * Splits `[global flags] <command> [args]` at the command: the first token
 * that is neither a flag nor the value of a global flag that takes one.
 */
export function splitAtCommand(argv: readonly string[]): { globalArgs: string[]; rest: string[] } {
  const takesValue = new Set(
    Object.entries(GLOBAL_OPTIONS)
      .filter(([, spec]) => spec.type === 'string')
      .map(([name]) => `--${name}`),
  );
  let i = 0;
  while (i < argv.length) {
    const token = argv[i] as string;
    if (token === '--') return { globalArgs: argv.slice(0, i), rest: argv.slice(i + 1) };
    if (!token.startsWith('-')) break;
    i += takesValue.has(token) ? 2 : 1;
  }
  return { globalArgs: argv.slice(0, Math.min(i, argv.length)), rest: argv.slice(Math.min(i, argv.length)) };
}

/** Fills in defaults from the environment and checks the values that need no connection. */
export function resolveGlobalFlags(args: Args, env: Readonly<Record<string, string | undefined>>): GlobalFlags {
  const driverText = args.string('driver') ?? env.TASKHARBOR_DRIVER ?? 'memory';
  const driver = DRIVERS.find((name) => name === driverText);
  if (driver === undefined) {
    const from = args.has('driver') ? '--driver' : 'TASKHARBOR_DRIVER';
    throw new UsageError(`${from}: expected memory, redis or postgres, got ${JSON.stringify(driverText)}`);
  }
  // Another driver's flag is almost always a forgotten --driver; going on
  // would show another store (or an empty in-process one) as if it were the
  // one meant.
  for (const [flag, owner] of Object.entries(DRIVER_FLAGS)) {
    if (owner.driver !== driver && args.has(flag)) {
      throw new UsageError(
        `--${flag} applies only to the ${owner.name} driver, but the driver is ${driver}; add --driver ${owner.driver} (or set TASKHARBOR_DRIVER=${owner.driver})`,
      );
    }
  }
  const queue = args.string('queue') ?? DEFAULT_QUEUE;
  validateName('queue', queue);
  const flags: GlobalFlags = {
    driver,
    queue,
    queueExplicit: args.has('queue'),
    json: args.boolean('json'),
    verbose: args.boolean('verbose'),
  };
  const url = args.string('redis-url');
  if (url !== undefined) flags.redisAddress = { value: url, source: '--redis-url' };
  else if (env.REDIS_URL) flags.redisAddress = { value: env.REDIS_URL, source: 'REDIS_URL' };
  else if (env.REDIS_ADDR) flags.redisAddress = { value: env.REDIS_ADDR, source: 'REDIS_ADDR' };
  // TASKHARBOR_PREFIX, like REDIS_URL, is ignored by the other drivers: only the flag is an error there.
  const prefix = args.string('prefix') ?? (driver === 'redis' ? env.TASKHARBOR_PREFIX || undefined : undefined);
  if (prefix !== undefined) {
    validateName('prefix', prefix);
    flags.prefix = prefix;
  }
  if (driver === 'postgres') {
    const databaseUrl = args.string('database-url');
    if (databaseUrl !== undefined) flags.databaseUrl = { value: databaseUrl, source: '--database-url' };
    else if (env.DATABASE_URL) flags.databaseUrl = { value: env.DATABASE_URL, source: 'DATABASE_URL' };
    if (flags.databaseUrl !== undefined) checkDatabaseUrl(flags.databaseUrl);
    const schema = args.string('schema');
    if (schema !== undefined) flags.schema = { value: schema, source: '--schema' };
    else if (env.TASKHARBOR_SCHEMA) flags.schema = { value: env.TASKHARBOR_SCHEMA, source: 'TASKHARBOR_SCHEMA' };
  }
  return flags;
}

/** A postgres:// or postgresql:// URL, caught here so a typo is a usage error and nothing is connected to. */
function checkDatabaseUrl(url: { value: string; source: string }): void {
  let protocol: string;
  try {
    protocol = new URL(url.value).protocol;
  } catch {
    throw new UsageError(`${url.source}: not a URL; expected postgres://[user[:password]@]host[:port]/database`);
  }
  if (protocol !== 'postgres:' && protocol !== 'postgresql:') {
    throw new UsageError(`${url.source}: unsupported scheme ${protocol}; expected postgres:// or postgresql://`);
  }
}
