import {
  type CancelResult,
  clipErrorText,
  InvalidJobStateError,
  type PurgeOptions,
  type RequeueManyOptions,
} from '@taskharbor/core';
import { idsInStatus, markCancelled, purgeMatches, takeOutOfStatus } from './job-placement.js';
import type { QueueState } from './queue-state.js';
import type { StoredJob } from './stored-job.js';

/**
 * The job-control changes to one queue's state, each a plain function so
 * the driver's methods stay thin: they validate, find the job, call one of
 * these, then tell waiters and listeners.
 */

/** Cancels a waiting job at once, or records a cancel request on a running one. */
export function cancelJob(state: QueueState, job: StoredJob, reason: string | undefined, now: number): CancelResult {
  if (job.status === 'done' || job.status === 'dlq' || job.status === 'cancelled') {
    throw new InvalidJobStateError(job.id, job.status, 'cancel', 'only a waiting or running job can be cancelled');
  }
  if (job.status === 'inflight') {
    if (job.cancelRequestedAt === undefined) {
      job.cancelRequestedAt = now;
      if (reason !== undefined) job.cancelReason = clipErrorText(reason);
    }
    return { status: 'cancelling' };
  }
  takeOutOfStatus(state, job);
  if (reason !== undefined) job.cancelReason = clipErrorText(reason);
  markCancelled(state, job, now);
  return { status: 'cancelled' };
}

/** Deletes a job that is not in flight, with its idempotency mapping. */
export function removeJob(state: QueueState, job: StoredJob): void {
  if (job.status === 'inflight') {
    throw new InvalidJobStateError(job.id, job.status, 'remove', 'cancel it first, then remove it once it has finished');
  }
  takeOutOfStatus(state, job);
  state.forget(job);
}

/** Makes a scheduled job ready now (the caller puts it at the ready tail). */
export function promoteJob(state: QueueState, job: StoredJob): void {
  if (job.status !== 'scheduled') {
    throw new InvalidJobStateError(job.id, job.status, 'promote', 'only a scheduled job can be promoted');
  }
  state.scheduled.delete(job.id);
  job.runAt = undefined;
  job.status = 'ready';
}

/**
 * Removes the jobs that match, up to `limit`, in one pass over the status's
 * ids (listed once); returns the removed jobs. The memory driver changes
 * state without awaiting, so the contract's bounded steps need no split here.
 */
export function purgeJobs(state: QueueState, options: PurgeOptions, limit: number): StoredJob[] {
  const removed: StoredJob[] = [];
  for (const id of idsInStatus(state, options.status)) {
    if (removed.length >= limit) break;
    const job = state.jobs.get(id) as StoredJob;
    if (!purgeMatches(job, options)) continue;
    takeOutOfStatus(state, job);
    state.forget(job);
    removed.push(job);
  }
  return removed;
}

/** The dead-lettered jobs requeueDlqMany moves, oldest failure first, at most `limit`, in one pass. */
export function dlqJobsToRequeue(state: QueueState, options: RequeueManyOptions, limit: number): StoredJob[] {
  const picked: StoredJob[] = [];
  for (const id of state.dlq) {
    if (picked.length >= limit) break;
    const job = state.jobs.get(id) as StoredJob;
    if (options.type === undefined || job.type === options.type) picked.push(job);
  }
  return picked;
}

/**
 * Clears a dead-lettered job's dead-letter state for a requeue. Without
 * resetAttempts the job gets exactly one more run: attempts stay as history
 * and maxAttempts rises to attempts + 1 when the runs were used up.
 */
export function resetForRequeue(job: StoredJob, resetAttempts: boolean): void {
  job.dlqReason = undefined;
  job.dlqFailedAt = undefined;
  job.token = undefined;
  job.expiresAt = undefined;
  // An operator's requeue is a fresh start for poison detection; a kept
  // count would make the worker dead-letter the job again at once.
  job.reclaims = 0;
  if (resetAttempts) {
    job.attempts = 0;
    job.lastError = undefined;
    job.failedAt = undefined;
    job.errors = undefined;
  } else if (job.attempts >= job.maxAttempts) {
    job.maxAttempts = job.attempts + 1;
  }
}
