import type pg from 'pg';
import { type RetentionOptions, ValidationError } from '@taskharbor/core';
import { type LeaseClock, validateLeaseClock } from './lease-clock.js';

export interface PostgresDriverOptions {
  /** The app's pg Pool. The driver never ends it; close() only stops the driver's own listening connection. */
  pool: pg.Pool;
  /** The schema that holds the driver's tables (created and migrated on first use). Default `taskharbor`. */
  schema?: string;
  /** How many done (and cancelled) and dead-lettered jobs each queue keeps; unset settings take DEFAULT_RETENTION from core. */
  retention?: RetentionOptions;
  /**
   * The clock leases follow. `caller` (default): the `now` each call passes,
   * as the contract says. `server`: PostgreSQL's clock, read inside every
   * lease statement (reserve, extend, ack, retry, fail, release, snooze,
   * holdBack, setProgress, advanceSchedule's lease check), so that workers
   * whose clocks are skewed cannot take each other's valid leases. Lease
   * expiries and nextDueAt handed back stay on the caller's clock; runAt and
   * createdAt are always the caller's. See docs/postgres.md.
   */
  leaseClock?: LeaseClock;
}

export interface PostgresConnectOptions extends Omit<PostgresDriverOptions, 'pool'> {
  /** postgres:// URL; default: the DATABASE_URL environment variable. */
  connectionString?: string;
  /** Most connections in the driver's pool (default 10), besides the one listening connection. */
  poolSize?: number;
}

/** The connection string with its password hidden, for error messages. */
export function redact(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    if (url.password !== '') url.password = '***';
    return url.toString();
  } catch {
    return '(an unparsable connection string)';
  }
}

/** What connect() opens its pool with, and the options it passes on to the driver. */
export interface CheckedConnectOptions {
  connectionString: string;
  poolSize: number;
  driverOptions: Omit<PostgresConnectOptions, 'connectionString' | 'poolSize'>;
}

/** connect()'s options, checked before anything is opened: the URL (or DATABASE_URL), the pool size, then leaseClock. */
export function checkConnectOptions(options: PostgresConnectOptions): CheckedConnectOptions {
  const connectionString = options.connectionString ?? process.env.DATABASE_URL;
  if (typeof connectionString !== 'string' || connectionString === '') {
    throw new ValidationError('connectionString', 'give connectionString or set DATABASE_URL (postgres://user@host:5432/db)');
  }
  const { connectionString: _url, poolSize, ...driverOptions } = options;
  if (poolSize !== undefined && (!Number.isInteger(poolSize) || poolSize < 1)) {
    throw new ValidationError('poolSize', `expected an integer >= 1, got ${String(poolSize)}`);
  }
  validateLeaseClock(options.leaseClock);
  return { connectionString, poolSize: poolSize ?? 10, driverOptions };
}

/** Throws unless `options.pool` is a pg Pool; duck-typed rather than instanceof, as the app's pg may be another copy of the package. */
export function checkPool(options: PostgresDriverOptions): void {
  const pool = (options as { pool?: { query?: unknown; connect?: unknown } } | null)?.pool;
  if (typeof pool?.query !== 'function' || typeof pool.connect !== 'function') {
    throw new ValidationError('pool', 'expected a pg Pool (new Pool(...) from the pg package)');
  }
}
