import { BULK_STEP_SIZE, METRICS_RETENTION_MS, metricsMinute, type ResolvedRetention } from '@taskharbor/core';
import type { Database } from './database.js';
import { PostgresOutcomeUnknownError } from './errors.js';

/** A status that retention trims: done and cancelled under the done rules, dlq under the dead rules. */
export type TrimmedStatus = 'done' | 'dlq' | 'cancelled';

/** Infinity (a rule switched off) as SQL null. */
function limitOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

/** The done (and cancelled) rules as the ack statement takes them: null for a rule switched off. */
export interface DoneRules {
  maxCount: number | null;
  maxAgeMs: number | null;
}

export function doneRules(retention: ResolvedRetention): DoneRules {
  return { maxCount: limitOrNull(retention.maxDoneCount), maxAgeMs: limitOrNull(retention.maxDoneAgeMs) };
}

/**
 * Retention for one queue and finished status, in deletes of at most
 * BULK_STEP_SIZE rows. It runs after the write it follows has committed (a
 * fail or cancel; an ack trims in its own statement and comes here only when
 * that reached its step bound), so a lost connection here is not that
 * write's failure: the next finish trims again.
 */
export async function trimFinished(
  db: Database,
  retention: ResolvedRetention,
  queue: string,
  status: TrimmedStatus,
  now: number,
): Promise<void> {
  const dead = status === 'dlq';
  const maxCount = dead ? retention.maxDeadCount : retention.maxDoneCount;
  const maxAgeMs = dead ? retention.maxDeadAgeMs : retention.maxDoneAgeMs;
  if (!Number.isFinite(maxCount) && !Number.isFinite(maxAgeMs)) return;
  try {
    for (;;) {
      const [row] = await db.write('retention', db.sql.trimFinished, [
        queue,
        status,
        limitOrNull(maxCount),
        limitOrNull(maxAgeMs),
        now,
        BULK_STEP_SIZE,
      ]);
      if ((row?.removed ?? 0) < BULK_STEP_SIZE) return;
    }
  } catch (error) {
    if (!(error instanceof PostgresOutcomeUnknownError)) throw error;
  }
}

/**
 * Retention of the throughput counts: deletes the minutes that ended more
 * than METRICS_RETENTION_MS before `now`, in deletes of at most `step`
 * rows; how many deletes it took. Like trimFinished it runs after the
 * write it follows has committed, so a lost connection is not that write's
 * failure (the next sweep deletes them).
 */
export async function trimMetrics(db: Database, now: number, step = BULK_STEP_SIZE): Promise<number> {
  const before = metricsMinute(now - METRICS_RETENTION_MS);
  let steps = 0;
  try {
    for (;;) {
      const [row] = await db.write('retention', db.sql.trimMetrics, [before, step]);
      steps++;
      if ((row?.removed ?? 0) < step) return steps;
    }
  } catch (error) {
    if (!(error instanceof PostgresOutcomeUnknownError)) throw error;
    return steps;
  }
}
