import { type Admin, type Driver, ValidationError } from '@taskharbor/core';
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

/** The URL as messages show it: the password replaced by `***`. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(an unparsable URL)';
  }
}

/**
 * Opens the driver the global flags name. The Redis and Postgres drivers are
 * imported only when asked for, so memory-driver commands never load ioredis
 * or pg.
 */
export async function openDriver(flags: GlobalFlags): Promise<OpenedDriver> {
  if (flags.driver === 'memory') {
    const driver = new MemoryDriver();
    return { driver, kind: 'memory', description: 'memory (this process only)', close: () => driver.close() };
  }
  if (flags.driver === 'postgres') return openPostgres(flags);
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

/**
 * The Postgres driver on --database-url (else DATABASE_URL) and --schema
 * (else TASKHARBOR_SCHEMA, else the driver's default). The URL is required:
 * unlike Redis there is no conventional local default worth guessing.
 */
async function openPostgres(flags: GlobalFlags): Promise<OpenedDriver> {
  const url = flags.databaseUrl;
  if (url === undefined) {
    throw new UsageError('the Postgres driver needs a database: give --database-url postgres://user@host:5432/db (or set DATABASE_URL)');
  }
  const { PostgresDriver } = await import('@taskharbor/driver-postgres');
  const description = redactUrl(url.value);
  try {
    // The driver's pool opens connections as calls need them: one or two for a command, more for a busy worker run.
    const driver = await PostgresDriver.connect({ connectionString: url.value, ...(flags.schema === undefined ? {} : { schema: flags.schema.value }) });
    return { driver, kind: 'postgres', description: `${description} schema ${driver.schema}`, close: () => driver.close() };
  } catch (error) {
    if (error instanceof ValidationError && error.field === 'schema') {
      throw new UsageError(`${flags.schema?.source ?? '--schema'}: ${error.message}`);
    }
    if ((error as { code?: unknown }).code === 'POSTGRES_CONNECT') {
      throw new OperationalError(`cannot connect to PostgreSQL at ${description} (from ${url.source}): ${causeMessage(error)}`, 'POSTGRES_CONNECT', {
        cause: error,
      });
    }
    throw error;
  }
}
