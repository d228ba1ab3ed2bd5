import { DEFAULT_QUEUE, validateName } from '@taskharbor/core';
import { UsageError } from '../errors.js';
import type { Args, OptionSpec } from './parse.js';

export type DriverKind = 'memory' | 'redis';

/** Flags every command takes. They go before the command and are accepted after it too. */
export const GLOBAL_OPTIONS = {
  driver: { type: 'string' },
  'redis-url': { type: 'string' },
  prefix: { type: 'string' },
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
  if (driverText !== 'memory' && driverText !== 'redis') {
    const from = args.has('driver') ? '--driver' : 'TASKHARBOR_DRIVER';
    throw new UsageError(`${from}: expected memory or redis, got ${JSON.stringify(driverText)}`);
  }
  const driver: DriverKind = driverText;
  // A Redis flag with the memory driver is almost always a forgotten
  // --driver redis; going on would show an empty in-process store as if it
  // were the real one.
  if (driver === 'memory') {
    for (const flag of ['redis-url', 'prefix']) {
      if (args.has(flag)) {
        throw new UsageError(`--${flag} applies only to the Redis driver, but the driver is memory; add --driver redis (or set TASKHARBOR_DRIVER=redis)`);
      }
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
  // TASKHARBOR_PREFIX, like REDIS_URL, is ignored by the memory driver: only the flag is an error there.
  const prefix = args.string('prefix') ?? (driver === 'redis' ? env.TASKHARBOR_PREFIX || undefined : undefined);
  if (prefix !== undefined) {
    validateName('prefix', prefix);
    flags.prefix = prefix;
  }
  return flags;
}
