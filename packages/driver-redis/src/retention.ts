import { DEFAULT_RETENTION, type RetentionOptions, ValidationError } from '@taskharbor/core';

/** Retention with every setting filled in. */
export type ResolvedRetention = Required<RetentionOptions>;

function check(field: string, value: number): void {
  // Infinity is allowed on purpose: it switches that rule off.
  const ok = typeof value === 'number' && value >= 0 && (Number.isSafeInteger(value) || value === Number.POSITIVE_INFINITY);
  if (!ok) throw new ValidationError(field, `expected a non-negative integer or Infinity, got ${String(value)}`);
}

/** Fills unset settings from core's DEFAULT_RETENTION and rejects negative or fractional ones. */
export function resolveRetention(options: RetentionOptions | undefined): ResolvedRetention {
  const resolved: ResolvedRetention = {
    maxDoneCount: options?.maxDoneCount ?? DEFAULT_RETENTION.maxDoneCount,
    maxDoneAgeMs: options?.maxDoneAgeMs ?? DEFAULT_RETENTION.maxDoneAgeMs,
  };
  check('retention.maxDoneCount', resolved.maxDoneCount);
  check('retention.maxDoneAgeMs', resolved.maxDoneAgeMs);
  return resolved;
}
