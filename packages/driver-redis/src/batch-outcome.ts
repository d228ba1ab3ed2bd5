import type { BatchOutcome } from '@taskharbor/core';

export function toOutcome<T>(value: T): BatchOutcome<T> {
  return { ok: true, value };
}

/** Shared by every acked lease of a batch: a busy worker acks thousands a second. */
export const ACKED: BatchOutcome<void> = Object.freeze({ ok: true, value: undefined });

export function toFailure<T>(error: unknown): BatchOutcome<T> {
  return { ok: false, error: error instanceof Error ? error : new Error(String(error)) };
}

/** Groups items by queue, keeping each item's position in the input. */
export function byQueue<T>(items: readonly T[], queueOf: (item: T) => string): Map<string, { item: T; index: number }[]> {
  const groups = new Map<string, { item: T; index: number }[]>();
  items.forEach((item, index) => {
    const queue = queueOf(item);
    let group = groups.get(queue);
    if (group === undefined) {
      group = [];
      groups.set(queue, group);
    }
    group.push({ item, index });
  });
  return groups;
}
