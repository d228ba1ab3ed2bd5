import {
  JobNotFoundError,
  JobNotInFlightError,
  type Lease,
  LeaseExpiredError,
  LeaseMismatchError,
} from '@taskharbor/core';
import type { StoredJob } from './stored-job.js';

/**
 * The status an operation that writes a job's outcome finishes it in: ack
 * 'done', fail 'dlq' (or either 'cancelled', when the job had a cancel
 * request). Only these two can repeat on a finished job, or meet a late
 * writer there.
 */
export type FinalStatus = 'done' | 'dlq';

/** The two token and time tests, passed in so the driver can route them through its overridable methods. */
export interface LeaseRules {
  tokenMatches(job: StoredJob, token: string): boolean;
  leaseHasExpired(job: StoredJob, now: number): boolean;
}

/**
 * The contract's check order for lease operations, in full: the job exists,
 * its status allows the operation, the token is current, the lease has not
 * expired. Throws the typed error of the first check that fails; nothing is
 * changed by it. Returns the in-flight job, or undefined for a repeated ack
 * or fail, which succeeds without a change. `writes` is the status the
 * operation finishes the job in, unset for extendLease, retry and release.
 */
export function checkLease(
  job: StoredJob | undefined,
  lease: Lease,
  now: number,
  rules: LeaseRules,
  writes?: FinalStatus,
): StoredJob | undefined {
  if (job === undefined) throw new JobNotFoundError(lease.queue, lease.jobId);
  switch (job.status) {
    case 'ready':
    case 'scheduled':
      throw new JobNotInFlightError(job.id, job.status);
    case 'done':
    case 'dlq':
    case 'cancelled': {
      const sameToken = rules.tokenMatches(job, lease.token);
      // fail repeats on any finished job; ack on a done or cancelled one (a run whose cancel finished it).
      const repeat = writes === 'dlq' || writes === job.status || (writes === 'done' && job.status === 'cancelled');
      if (sameToken && repeat) return undefined;
      if (!sameToken && writes !== undefined) {
        throw new LeaseMismatchError(job.id, `the job is ${job.status} and was last held under another token`);
      }
      throw new JobNotInFlightError(job.id, job.status);
    }
  }
  if (!rules.tokenMatches(job, lease.token)) throw new LeaseMismatchError(job.id);
  if (rules.leaseHasExpired(job, now)) throw new LeaseExpiredError(job.id, job.expiresAt as number, now);
  return job;
}
