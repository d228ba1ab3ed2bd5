import type { JobRow } from '../job-row.js';
import source from './reserve.sql';
import { defineStatement } from './statement.js';

/**
 * A leased job with the statement's next due time and the now it decided by
 * (the same on every row; a row of nulls when nothing was leased).
 */
export type ReserveRow = (JobRow | { [K in keyof JobRow]: null }) & { next_due_at: string | null; decided_at: string };

/** The plain reserve's row: also whether the queue uses flow control (then nothing was done: run reserveFlow). */
export type PlainReserveRow = ReserveRow & { flow: boolean };

/** Hands out a batch under new leases; one row per job (or one empty row), with the next due time. */
export const reserve = defineStatement<[queue: string, now: number, limit: number, leaseMs: number, dueBound: number], PlainReserveRow>(
  'reserve',
  source,
  { now: 2 },
);
