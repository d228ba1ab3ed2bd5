import { METRICS_BUCKET_MS, ValidationError } from '@taskharbor/core';

/**
 * The clock lease decisions follow: `caller`, the `now` every call carries
 * (the contract's rule, and what the conformance suite drives), or `server`,
 * PostgreSQL's own clock, read inside each lease statement so that workers
 * whose clocks disagree still agree on when a lease ends.
 */
export type LeaseClock = 'caller' | 'server';

export function validateLeaseClock(value: unknown): LeaseClock {
  if (value === undefined) return 'caller';
  if (value === 'caller' || value === 'server') return value;
  throw new ValidationError('leaseClock', `expected 'caller' or 'server', got ${JSON.stringify(value)}`);
}

/**
 * The database's time in epoch ms, as SQL. statement_timestamp() is when the
 * statement arrived: one value wherever the statement (or a function it
 * calls) reads it, and stable, so comparisons with it still use indexes
 * (clock_timestamp() would differ between two reads of one statement and,
 * being volatile, rule index scans out).
 */
export const SERVER_NOW_SQL = 'floor(extract(epoch from statement_timestamp()) * 1000)::bigint';

/** The start of the minute of SERVER_NOW_SQL, as metricsMinute computes it. */
export const SERVER_MINUTE_SQL = `(${SERVER_NOW_SQL} - ${SERVER_NOW_SQL} % ${METRICS_BUCKET_MS})`;
