import { BULK_STEP_SIZE } from '@taskharbor/core';

/**
 * One script call of a bulk operation: starts looking at `position`, acts on
 * at most `most` jobs, and answers `[count, next position, 1 when it reached
 * the end else 0]`.
 */
export type BulkStep = (position: number, most: number) => Promise<unknown>;

/**
 * Calls a bulk script until it reaches the end of its structure or the
 * limit, each call acting on at most BULK_STEP_SIZE jobs so that no single
 * script holds Redis for long; returns the total count. Between calls other
 * clients run, so jobs that move meanwhile may be seen or missed by this
 * pass; a second call picks up what is left.
 */
export async function runBulkSteps(step: BulkStep, limit: number | undefined): Promise<number> {
  let total = 0;
  let position = 0;
  for (;;) {
    const most = limit === undefined ? BULK_STEP_SIZE : Math.min(BULK_STEP_SIZE, limit - total);
    if (most <= 0) return total;
    const reply = await step(position, most);
    if (!Array.isArray(reply) || reply.length !== 3) throw new Error(`unexpected reply from a bulk script: ${JSON.stringify(reply)}`);
    const [count, next, finished] = reply.map(Number) as [number, number, number];
    total += count;
    position = next;
    if (finished === 1) return total;
  }
}

/** Runs one step's script under the driver's write rules (timeout, unknown outcome, replicated acknowledgment). */
export type StepGuard = (run: () => Promise<unknown>) => Promise<unknown>;
