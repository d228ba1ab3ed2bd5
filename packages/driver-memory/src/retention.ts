import type { ResolvedRetention } from '@taskharbor/core';
import type { QueueState } from './queue-state.js';

/**
 * Removes done jobs, oldest finish time first, while there are more than
 * maxDoneCount or the oldest finished more than maxDoneAgeMs before `now`.
 * Only the done index is read, so dead-lettered jobs are never touched.
 */
export function trimDoneJobs(state: QueueState, retention: ResolvedRetention, now: number): void {
  for (let oldest = state.done.peek(); oldest !== undefined; oldest = state.done.peek()) {
    if (state.done.size <= retention.maxDoneCount && now - oldest.at <= retention.maxDoneAgeMs) return;
    state.done.pop();
    state.forget(oldest.item);
  }
}
