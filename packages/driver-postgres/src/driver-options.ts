import type pg from 'pg';
import type { RetentionOptions } from '@taskharbor/core';
import type { LeaseClock } from './lease-clock.js';

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
