import type { Admin, Driver } from '@taskharbor/core';
import { MemoryDriver } from '@taskharbor/driver-memory';
import type { RedisConnectOptions } from '@taskharbor/driver-redis';
import type { GlobalFlags } from './args/global-flags.js';
import { OperationalError, UsageError } from './errors.js';

/** What every command works through: the Driver for enqueue and workers, Admin for everything an operator looks at. */
export type AdminDriver = Driver & Admin;

export interface OpenedDriver {
  driver: AdminDriver;
  kind: GlobalFlags['driver'];
  /** Where the jobs live, for messages: never shows a password. */
  description: string;
  close(): Promise<void>;
}

/**
 * The Redis address as the driver wants it: a `redis://` or `rediss://` URL,
 * or `host:port`. Always explicit, so the driver never falls back
 * to process.env behind the CLI's back (an embedding app passes its own env).
 */
function redisTarget(flags: GlobalFlags): Pick<RedisConnectOptions, 'url' | 'addr'> {
  const address = flags.redisAddress;
  if (address === undefined) return { addr: 'localhost:6379' };
  if (address.value.includes('://')) return { url: address.value };
  return { addr: address.value };
}

/** The driver's own account (which setup step failed and why), else the cause's first line. */
function causeMessage(error: unknown): string {
  const reason = (error as { reason?: unknown }).reason;
  if (typeof reason === 'string') return reason;
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return cause instanceof Error ? cause.message.split('\n')[0] || cause.name : String(cause);
}

/**
 * Opens the driver the global flags name. The Redis driver is imported only
 * when asked for, so memory-driver commands never load ioredis.
 */
export async function openDriver(flags: GlobalFlags): Promise<OpenedDriver> {
  if (flags.driver === 'memory') {
    const driver = new MemoryDriver();
    return { driver, kind: 'memory', description: 'memory (this process only)', close: () => driver.close() };
  }
  const { RedisDriver, resolveTarget } = await import('@taskharbor/driver-redis');
  const options: RedisConnectOptions = redisTarget(flags);
  if (flags.prefix !== undefined) options.keyPrefix = flags.prefix;
  let description: string;
  try {
    description = resolveTarget(options, {}).description;
  } catch (error) {
    // A malformed address is a typo on the command line (or in the variable), not an outage.
    const from = flags.redisAddress?.source ?? 'the Redis address';
    throw new UsageError(`${from}: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    const driver = await RedisDriver.connect(options);
    return { driver, kind: 'redis', description: `${description} prefix ${driver.keyPrefix}`, close: () => driver.close() };
  } catch (error) {
    if ((error as { code?: unknown }).code === 'REDIS_CONNECT') {
      const from = flags.redisAddress === undefined ? 'the default address' : flags.redisAddress.source;
      throw new OperationalError(`cannot connect to Redis at ${description} (from ${from}): ${causeMessage(error)}`, 'REDIS_CONNECT', {
        cause: error,
      });
    }
    throw error;
  }
}
