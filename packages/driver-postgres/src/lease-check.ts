import {
  JobNotFoundError,
  JobNotInFlightError,
  type Lease,
  LeaseExpiredError,
  LeaseMismatchError,
} from '@taskharbor/core';
import { toMillis } from './job-row.js';

/** A job's lease state as a lease statement read it before it ran (all null for an unknown job). */
export interface LeaseStateRow {
  status: string | null;
  lease_token: string | null;
  lease_expires_at: string | null;
}

/**
 * The now a statement decided by, from its `decided_at`: the caller's own
 * `now`, or under leaseClock 'server' the database's time (then `now` is
 * only the fallback of a statement that returned no row).
 */
export function decidedAt(row: { decided_at?: string | null } | undefined, now: number): number {
  return row?.decided_at === undefined || row.decided_at === null ? now : toMillis(row.decided_at);
}

/** The status a lease write finishes a job in: ack `done`, fail `dlq`; unset for extendLease, retry, release and setProgress. */
export type FinalStatus = 'done' | 'dlq';

/**
 * What a lease statement that changed nothing means: `repeat` for a repeated
 * ack or fail (success, no change), `stale` when the state read says the
 * lease was valid (a concurrent write moved the job between the statement's
 * snapshot and its row lock; read the state again), otherwise the typed
 * error of the contract's first failing check: unknown job, status, token,
 * expiry.
 */
export function explainUnchanged(
  row: LeaseStateRow | undefined,
  lease: Lease,
  now: number,
  writes?: FinalStatus,
): 'repeat' | 'stale' | Error {
  if (row === undefined || row.status === null) return new JobNotFoundError(lease.queue, lease.jobId);
  const sameToken = row.lease_token === lease.token;
  switch (row.status) {
    case 'ready':
    case 'scheduled':
      return new JobNotInFlightError(lease.jobId, row.status);
    case 'done':
    case 'dlq':
    case 'cancelled': {
      // fail repeats on every finished job; ack on a done one, and on a cancelled one (its cancel finished the run).
      const repeats = writes === 'dlq' || (writes === 'done' && row.status !== 'dlq');
      if (sameToken && repeats) return 'repeat';
      if (!sameToken && writes !== undefined) {
        return new LeaseMismatchError(lease.jobId, `the job is ${row.status} and was last held under another token`);
      }
      return new JobNotInFlightError(lease.jobId, row.status);
    }
  }
  if (!sameToken) return new LeaseMismatchError(lease.jobId);
  const expiresAt = toMillis(row.lease_expires_at as string);
  if (now >= expiresAt) return new LeaseExpiredError(lease.jobId, expiresAt, now);
  return 'stale';
}
