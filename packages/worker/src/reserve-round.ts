import type { Clock, Driver, ReserveResult, ReservedJob } from '@taskharbor/core';
import type { LateReserves } from './late-reserves.js';
import type { QueuePlanner } from './queue-order.js';
import { startTimer } from './timers.js';

/**
 * How long a round waits for one queue's reserve before it goes on to the
 * next queue and leaves that reserve to finish on its own. A healthy Redis
 * answers in well under a millisecond; a reserve still out after this long
 * is on a slow or silent shard, and the other queues should not wait for it.
 */
export const ASK_PATIENCE_MS = 250;

export interface RoundResult {
  /** Jobs reserved in this round (a reserve that answered late counts in none). */
  reserved: number;
  /**
   * True when some free slot could not be filled. Then every queue was asked
   * (or has a late reserve out) and came up short, so the worker can wait
   * for work; nextDueAt is the earliest time-based change any of them
   * reported.
   */
  idle: boolean;
  nextDueAt: number | undefined;
}

export interface RoundInput {
  driver: Driver;
  clock: Clock;
  planner: QueuePlanner;
  leaseMs: number;
  /** Slots the round may fill; booked by the caller before the round. */
  free: number;
  /** Called with each batch as it arrives, so jobs start before the next queue is asked. */
  onJobs: (jobs: ReservedJob[]) => void;
  /** Hands back booked slots no job will take, as soon as that is known (also after the round, for a late reserve). */
  unbook: (count: number) => void;
  /** Reserves out from earlier rounds; their queues are skipped. */
  late: LateReserves;
}

/** Resolves 'answered' when `answer` settles within the patience (rejecting with its error), else 'late'. */
function awaitPatiently(clock: Clock, answer: Promise<unknown>): Promise<'answered' | 'late'> {
  return new Promise((resolve, reject) => {
    const cancel = startTimer(clock, ASK_PATIENCE_MS, () => resolve('late'));
    answer.then(
      () => {
        cancel();
        resolve('answered');
      },
      (error: unknown) => {
        cancel();
        reject(error);
      },
    );
  });
}

/**
 * Fills free slots with one reserve per queue (batched: limit = the slots it
 * may fill), not one call per slot. First the planner's asks; then slots an
 * empty queue left go to the other queues in order of preference. Each ask
 * either fills what is left or shows that its queue is empty, so a round
 * makes at most two calls per queue. A reserve that takes longer than
 * ASK_PATIENCE_MS keeps its slots and goes to `late`; the round moves on.
 */
export async function reserveRound(input: RoundInput): Promise<RoundResult> {
  const { driver, clock, planner, leaseMs, late } = input;
  /** Booked slots not promised to any ask. */
  let remaining = input.free;
  let reserved = 0;
  let nextDueAt: number | undefined;
  let over = false;
  const empty = new Set<string>();

  const giveBack = (count: number) => {
    if (over) input.unbook(count);
    else remaining += count;
  };

  const ask = async (queue: string, wanted: number) => {
    const limit = late.limitFor(queue, wanted);
    remaining -= limit;
    const answer = (async (): Promise<ReserveResult> => {
      try {
        const result = await driver.reserve({ queue, limit, leaseMs, now: clock.now() });
        // A misbehaving driver must not push the worker past its concurrency.
        const jobs = result.jobs.length > limit ? result.jobs.slice(0, limit) : result.jobs;
        if (!over) {
          const due = result.nextDueAt;
          if (due !== undefined && (nextDueAt === undefined || due < nextDueAt)) nextDueAt = due;
          if (jobs.length < limit) empty.add(queue);
          reserved += jobs.length;
        }
        if (jobs.length > 0) input.onJobs(jobs);
        giveBack(limit - jobs.length);
        return result;
      } catch (error) {
        giveBack(limit);
        throw error;
      }
    })();
    if ((await awaitPatiently(clock, answer)) === 'late') late.add(queue, answer);
    else late.answered(queue);
  };

  try {
    const first = planner.plan(remaining);
    for (const { queue, limit } of first) {
      if (remaining === 0) break;
      if (late.has(queue)) continue;
      await ask(queue, Math.min(limit, remaining));
    }
    const leftoverOrder = [...new Set([...first.map((a) => a.queue), ...planner.names])];
    for (const queue of leftoverOrder) {
      if (remaining === 0) break;
      if (empty.has(queue) || late.has(queue)) continue;
      await ask(queue, remaining);
    }
    return { reserved, idle: remaining > 0, nextDueAt };
  } finally {
    over = true;
    input.unbook(remaining);
  }
}
