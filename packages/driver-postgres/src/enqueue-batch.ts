import { type EnqueueResult, type NewJobRecord, normalizeMeta } from '@taskharbor/core';
import { asBuffer } from './job-row.js';
import type { enqueue } from './sql/enqueue.js';
import type { ParamsOf } from './sql/statement.js';

/**
 * A batch of new jobs split for the enqueue statement: the records to send,
 * and for each later record that repeats the id or idempotency key of an
 * earlier one in the same call, the index of that earlier record (its
 * answer is the earlier one's id with `existed: true`).
 */
export interface EnqueuePlan {
  /** Indexes (into the call's records) of the records the statement stores. */
  readonly sent: number[];
  /** For each repeated record, the index of the record it repeats. */
  readonly repeats: Map<number, number>;
}

export function planEnqueue(jobs: readonly NewJobRecord[]): EnqueuePlan {
  const sent: number[] = [];
  const repeats = new Map<number, number>();
  const byId = new Map<string, number>();
  const byKey = new Map<string, number>();
  jobs.forEach((job, index) => {
    const idKey = `${job.queue} ${job.id}`;
    const keyKey = job.idempotencyKey === undefined ? undefined : `${job.queue} ${job.idempotencyKey}`;
    const earlier = byId.get(idKey) ?? (keyKey === undefined ? undefined : byKey.get(keyKey));
    if (earlier !== undefined) {
      repeats.set(index, earlier);
      return;
    }
    sent.push(index);
    byId.set(idKey, index);
    if (keyKey !== undefined) byKey.set(keyKey, index);
  });
  return { sent, repeats };
}

/** The enqueue statement's parameters: one array per column, in the order of `sent`, with now after the ninth, then schedule, tick, priority, group and meta. */
export function enqueueParams(jobs: readonly NewJobRecord[], sent: readonly number[], now: number): ParamsOf<typeof enqueue> {
  const picked = sent.map((index) => jobs[index] as NewJobRecord);
  return [
    picked.map((job) => job.queue),
    picked.map((job) => job.id),
    picked.map((job) => job.type),
    picked.map((job) => asBuffer(job.payload)),
    picked.map((job) => job.runAt ?? null),
    picked.map((job) => job.timeoutMs ?? null),
    picked.map((job) => job.createdAt),
    picked.map((job) => job.maxAttempts),
    picked.map((job) => job.idempotencyKey ?? null),
    now,
    picked.map((job) => job.schedule ?? null),
    picked.map((job) => job.scheduledFor ?? null),
    // Priority 0 is stored as nothing.
    picked.map((job) => (job.priority === undefined || job.priority === 0 ? null : job.priority)),
    picked.map((job) => job.group ?? null),
    // An empty meta is stored as nothing.
    picked.map((job) => {
      const meta = normalizeMeta(job.meta);
      return meta === undefined ? null : JSON.stringify(meta);
    }),
  ];
}

/** One row of the enqueue statement's answer, in the order of `sent`. */
export interface EnqueueRow {
  inserted: boolean;
  existing_id: string | null;
}

/** Fills in the answers of repeated records from the records they repeat. */
export function answerRepeats(results: EnqueueResult[], plan: EnqueuePlan): void {
  for (const [index, earlier] of plan.repeats) {
    results[index] = { id: (results[earlier] as EnqueueResult).id, existed: true };
  }
}
