import { OutcomeUnknownError } from '@taskharbor/core';

/**
 * Errors of the Postgres driver that the behaviour contract does not name.
 * The contract's own errors (lease mismatch, not found, …) come from core.
 */

/** Connecting to PostgreSQL (or preparing the schema) failed; nothing was changed. */
export class PostgresConnectError extends Error {
  readonly code = 'POSTGRES_CONNECT';
  constructor(target: string, cause: unknown) {
    super(
      `could not connect to PostgreSQL at ${target}: ${describe(cause)}; check DATABASE_URL (or connectionString), that PostgreSQL runs there and that the user may create the schema`,
      { cause },
    );
    this.name = 'PostgresConnectError';
  }
}

/** The schema was made by a newer version of the driver: this one refuses to read or write it. */
export class SchemaVersionError extends Error {
  readonly code = 'SCHEMA_VERSION';
  constructor(
    readonly schema: string,
    readonly found: number,
    readonly supported: number,
  ) {
    super(
      `schema "${schema}" is at version ${found}, but this @taskharbor/driver-postgres knows versions up to ${supported}; upgrade the package (every process on this schema) or use another schema`,
    );
    this.name = 'SchemaVersionError';
  }
}

/**
 * The connection dropped while a state-changing statement was on its way or
 * running, so whether it committed is unknown. The driver never sends it
 * again on its own: the caller reports the error and the job's lease decides
 * what happens next (an unacked job is reclaimed when it expires).
 */
export class PostgresOutcomeUnknownError extends OutcomeUnknownError {
  constructor(operation: string, cause: unknown) {
    super(
      operation,
      `${operation}: PostgreSQL did not answer (${describe(cause)}); the statement may or may not have committed and is not resent; the job's lease decides what happens next`,
      { cause },
    );
  }
}

function describe(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

/** SQLSTATEs that mean the session ended: connection exceptions (08…), and the server's shutdown or terminate (57P01–57P03). */
const CONNECTION_LOST_STATES = new Set(['57P01', '57P02', '57P03']);

/**
 * Whether an error from pg means the connection was lost rather than that
 * the server refused the statement: errors without a SQLSTATE (the socket
 * closed, a timeout) and the SQLSTATEs above.
 */
export function isConnectionLoss(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const state = (error as { code?: unknown }).code;
  if (typeof state !== 'string' || !/^[0-9A-Z]{5}$/.test(state)) return true;
  return state.startsWith('08') || CONNECTION_LOST_STATES.has(state);
}

/** Whether pg raised unique_violation (23505): an insert met a key the table already holds, and its statement changed nothing. */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Error && (error as { code?: unknown }).code === '23505';
}
