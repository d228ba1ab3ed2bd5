import type pg from 'pg';
import type { RetentionOptions } from '@taskharbor/core';

export interface PostgresDriverOptions {
  /** The app's pg Pool. The driver never ends it; close() only stops the driver's own listening connection. */
  pool: pg.Pool;
  /** The schema that holds the driver's tables (created and migrated on first use). Default `taskharbor`. */
  schema?: string;
  /** How many done (and cancelled) and dead-lettered jobs each queue keeps; unset settings take DEFAULT_RETENTION from core. */
  retention?: RetentionOptions;
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
