import type { BatchOutcome } from '@taskharbor/core';

/** One outcome of a batch call: what the single call returned or threw. */
export function toOutcome<T>(run: () => T): BatchOutcome<T> {
  try {
    return { ok: true, value: run() };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error : new Error(String(error)) };
  }
}
