import { DEFAULT_RETENTION, type RetentionOptions, ValidationError } from '@taskharbor/core';
import type { QueueState } from './queue-state.js';

/** Retention with every setting filled in. */
export type ResolvedRetention = Required<RetentionOptions>;

function checkLimit(field: string, value: number): void {
  // Infinity is allowed on purpose: it switches that rule off. Anything that is not a number fails both tests.
  const ok = value >= 0 && (Number.isInteger(value) || value === Number.POSITIVE_INFINITY);
  if (!ok) throw new ValidationError(field, `expected a non-negative integer or Infinity, got ${String(value)}`);
}

/** Fills unset settings from DEFAULT_RETENTION and rejects negative or fractional ones. */
export function resolveRetention(options: RetentionOptions | undefined): ResolvedRetention {
  const resolved: ResolvedRetention = {
    maxDoneCount: options?.maxDoneCount ?? DEFAULT_RETENTION.maxDoneCount,
    maxDoneAgeMs: options?.maxDoneAgeMs ?? DEFAULT_RETENTION.maxDoneAgeMs,
  };
  checkLimit('retention.maxDoneCount', resolved.maxDoneCount);
  checkLimit('retention.maxDoneAgeMs', resolved.maxDoneAgeMs);
  return resolved;
}

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
