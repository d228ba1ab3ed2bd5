import { DEFAULT_RETENTION, type RetentionOptions } from './admin.js';
import { ValidationError } from './errors.js';

/** Retention with every setting filled in. */
export type ResolvedRetention = Required<RetentionOptions>;

function checkRetentionLimit(field: string, value: number): void {
  // Infinity is allowed on purpose: it switches that rule off. Anything that is not a number fails both tests.
  const ok = value >= 0 && (Number.isSafeInteger(value) || value === Number.POSITIVE_INFINITY);
  if (!ok) throw new ValidationError(field, `expected a non-negative integer or Infinity, got ${String(value)}`);
}

/** Fills unset settings from DEFAULT_RETENTION and rejects negative or fractional ones; drivers call it when made. */
export function resolveRetention(options: RetentionOptions | undefined): ResolvedRetention {
  const resolved: ResolvedRetention = {
    maxDoneCount: options?.maxDoneCount ?? DEFAULT_RETENTION.maxDoneCount,
    maxDoneAgeMs: options?.maxDoneAgeMs ?? DEFAULT_RETENTION.maxDoneAgeMs,
    maxDeadCount: options?.maxDeadCount ?? DEFAULT_RETENTION.maxDeadCount,
    maxDeadAgeMs: options?.maxDeadAgeMs ?? DEFAULT_RETENTION.maxDeadAgeMs,
  };
  checkRetentionLimit('retention.maxDoneCount', resolved.maxDoneCount);
  checkRetentionLimit('retention.maxDoneAgeMs', resolved.maxDoneAgeMs);
  checkRetentionLimit('retention.maxDeadCount', resolved.maxDeadCount);
  checkRetentionLimit('retention.maxDeadAgeMs', resolved.maxDeadAgeMs);
  return resolved;
}
