import {
  JobNotFoundError,
  JobNotInFlightError,
  type Lease,
  LeaseExpiredError,
  LeaseMismatchError,
} from '@taskharbor/core';
import type { StoredJob } from './stored-job.js';

/** The operations that present a lease. */
export type LeaseOperation = 'extendLease' | 'ack' | 'retry' | 'fail' | 'release';

/** The two token and time tests, passed in so the driver can route them through its overridable methods. */
export interface LeaseRules {
  tokenMatches(job: StoredJob, token: string): boolean;
  leaseHasExpired(job: StoredJob, now: number): boolean;
}

/** What the checks decided: go on with an in-flight job, or answer a repeated ack or fail with success. */
export type LeaseCheckOutcome = { kind: 'inflight'; job: StoredJob } | { kind: 'repeat' };

/** Whether a finished job may take this operation again with its last token, which then changes nothing. */
function repeatable(status: 'done' | 'dlq', operation: LeaseOperation): boolean {
  return status === 'done' ? operation === 'ack' || operation === 'fail' : operation === 'fail';
}

/** Whether a wrong token on a finished job is a late writer (mismatch) rather than a misuse (not in flight). */
function writesOutcome(operation: LeaseOperation): boolean {
  return operation === 'ack' || operation === 'fail';
}

/**
 * The contract's check order for lease operations, in full: the job exists,
 * its status allows the operation, the token is current, the lease has not
 * expired. Throws the typed error of the first check that fails; nothing is
 * changed by it.
 */
export function checkLease(
  job: StoredJob | undefined,
  lease: Lease,
  operation: LeaseOperation,
  now: number,
  rules: LeaseRules,
): LeaseCheckOutcome {
  if (job === undefined) throw new JobNotFoundError(lease.queue, lease.jobId);
  switch (job.status) {
    case 'ready':
    case 'scheduled':
      throw new JobNotInFlightError(job.id, job.status);
    case 'done':
    case 'dlq': {
      const sameToken = rules.tokenMatches(job, lease.token);
      if (sameToken && repeatable(job.status, operation)) return { kind: 'repeat' };
      if (!sameToken && writesOutcome(operation)) {
        throw new LeaseMismatchError(job.id, `the job is ${job.status} and was last held under another token`);
      }
      throw new JobNotInFlightError(job.id, job.status);
    }
    case 'inflight':
      break;
  }
  if (!rules.tokenMatches(job, lease.token)) throw new LeaseMismatchError(job.id);
  if (rules.leaseHasExpired(job, now)) throw new LeaseExpiredError(job.id, job.expiresAt as number, now);
  return { kind: 'inflight', job };
}
