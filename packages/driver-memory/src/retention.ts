import type { ResolvedRetention } from '@taskharbor/core';
import type { IndexedHeap } from './indexed-heap.js';
import type { QueueState } from './queue-state.js';
import type { StoredJob } from './stored-job.js';

/** Removes the oldest entries of a finished-job index while there are more than maxCount or the oldest is older than maxAgeMs. */
function trimOldest(state: QueueState, index: IndexedHeap<StoredJob>, maxCount: number, maxAgeMs: number, now: number): void {
  for (let oldest = index.peek(); oldest !== undefined; oldest = index.peek()) {
    if (index.size <= maxCount && now - oldest.at <= maxAgeMs) return;
    index.pop();
    state.forget(oldest.item);
  }
}

/**
 * Removes done jobs, oldest finish time first, while there are more than
 * maxDoneCount or the oldest finished more than maxDoneAgeMs before `now`.
 * Only the done index is read, so dead-lettered jobs are never touched.
 */
export function trimDoneJobs(state: QueueState, retention: ResolvedRetention, now: number): void {
  trimOldest(state, state.done, retention.maxDoneCount, retention.maxDoneAgeMs, now);
}

/** The done rules applied to cancelled jobs, counted on their own, by cancel time. */
export function trimCancelledJobs(state: QueueState, retention: ResolvedRetention, now: number): void {
  trimOldest(state, state.cancelled, retention.maxDoneCount, retention.maxDoneAgeMs, now);
}

/** Removes dead-lettered jobs, oldest first, beyond maxDeadCount or older than maxDeadAgeMs (both off by default). */
export function trimDeadJobs(state: QueueState, retention: ResolvedRetention, now: number): void {
  for (const id of state.dlq) {
    const job = state.jobs.get(id) as StoredJob;
    if (state.dlq.size <= retention.maxDeadCount && now - (job.dlqFailedAt as number) <= retention.maxDeadAgeMs) return;
    state.dlq.delete(id);
    state.forget(job);
  }
}
