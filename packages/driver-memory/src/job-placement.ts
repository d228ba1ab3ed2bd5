import { clipErrorText, type PurgeOptions } from '@taskharbor/core';
import type { QueueState } from './queue-state.js';
import type { StoredJob } from './stored-job.js';

/** Takes a job out of the structure of its status (not out of `jobs`). */
export function takeOutOfStatus(state: QueueState, job: StoredJob): void {
  switch (job.status) {
    case 'ready':
      state.removeReady(job);
      return;
    case 'scheduled':
      state.scheduled.delete(job.id);
      return;
    case 'inflight':
      state.leaveFlight(job);
      return;
    case 'done':
      state.done.delete(job.id);
      return;
    case 'dlq':
      state.dlq.delete(job.id);
      return;
    case 'cancelled':
      state.cancelled.delete(job.id);
      return;
  }
}

/** Finishes a job as cancelled at `now`; the caller has taken it out of its status structure. */
export function markCancelled(state: QueueState, job: StoredJob, now: number): void {
  job.status = 'cancelled';
  job.cancelledAt = now;
  job.expiresAt = undefined;
  state.cancelled.set(job.id, job, now);
}

/** A job out of flight that waits again: no lease, runAt as given (undefined: runnable now), ready or scheduled. */
export function markWaiting(job: StoredJob, runAt: number | undefined, status: 'ready' | 'scheduled'): void {
  job.token = undefined;
  job.expiresAt = undefined;
  job.runAt = runAt;
  job.status = status;
}

/** Finishes a job as done at `now`, keeping its last token and the handler's result. */
export function markDone(state: QueueState, job: StoredJob, result: Uint8Array | undefined, now: number): void {
  job.status = 'done';
  job.finishedAt = now;
  job.expiresAt = undefined;
  if (result !== undefined) job.result = new Uint8Array(result);
  state.done.set(job.id, job, now);
}

/** Dead-letters a job at `now` with the reason given, keeping its last token. */
export function markDead(state: QueueState, job: StoredJob, reason: string, now: number): void {
  job.dlqReason = clipErrorText(reason);
  job.dlqFailedAt = now;
  job.expiresAt = undefined;
  job.status = 'dlq';
  state.dlq.add(job.id);
}

/** The time purge's olderThanMs compares for a job in this status. */
function statusTime(job: StoredJob): number {
  switch (job.status) {
    case 'done':
      return job.finishedAt as number;
    case 'dlq':
      return job.dlqFailedAt as number;
    case 'cancelled':
      return job.cancelledAt as number;
    default:
      return job.createdAt;
  }
}

/** Whether purge removes this job (its status already matched). */
export function purgeMatches(job: StoredJob, options: PurgeOptions): boolean {
  if (options.type !== undefined && job.type !== options.type) return false;
  if (options.olderThanMs === undefined) return true;
  return (options.now as number) - statusTime(job) > options.olderThanMs;
}

/** The ids of a queue's jobs in one status, in the order purge visits them (oldest first where there is an order). */
export function idsInStatus(state: QueueState, status: PurgeOptions['status']): string[] {
  switch (status) {
    case 'ready':
      return [...state.readyJobs()].map((job) => job.id);
    case 'scheduled':
      return state.scheduled.ids();
    case 'done':
      return state.done.ids();
    case 'dlq':
      return [...state.dlq];
    case 'cancelled':
      return state.cancelled.ids();
  }
}
