import type { Clock, Driver, ReserveResult, ReservedJob } from '@taskharbor/core';
import type { QueuePlanner } from './queue-order.js';
import type { QueueTrouble } from './queue-trouble.js';
import { startTimer } from './timers.js';

/**
 * How long a round waits for one queue's reserve before it takes the slots
 * back and goes on to the next queue. A healthy Redis answers in well under
 * a millisecond; a reserve still out after this long is on a slow or silent
 * shard, and the other queues should not wait for it.
 */
export const ASK_PATIENCE_MS = 250;

export interface RoundResult {
  /** Jobs reserved in this round (a reserve that answered late counts in none). */
  reserved: number;
  /**
   * True when some free slot could not be filled. Then every queue was asked
   * (or is skipped for trouble) and came up short, so the worker can wait
   * for work; nextDueAt is the earliest time-based change any of them
   * reported, or when a failing queue may be asked again.
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
  /** Called with each batch as it arrives, so jobs start before the next queue is asked; they take booked slots. */
  onJobs: (jobs: ReservedJob[]) => void;
  /** Jobs of a reserve that answered after the round took its slots back; they hold no booked slot. */
  onLateJobs: (jobs: ReservedJob[]) => void;
  /** A reserve failed while others of the round went through; the round goes on. */
  onQueueError: (error: unknown, queue: string) => void;
  /** Hands back booked slots no job will take, when the round ends. */
  unbook: (count: number) => void;
  trouble: QueueTrouble;
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
 * makes at most two calls per queue. A queue in trouble (see QueueTrouble)
 * costs the round at most ASK_PATIENCE_MS, once: a reserve that takes longer
 * is left to finish on its own, and a failed one only sidelines its queue,
 * unless every ask of the round failed: then the round fails.
 */
export async function reserveRound(input: RoundInput): Promise<RoundResult> {
  const { driver, clock, planner, leaseMs, trouble } = input;
  /** Booked slots no answered ask has filled. */
  let remaining = input.free;
  let reserved = 0;
  let nextDueAt: number | undefined;
  const noteDue = (due: number | undefined) => {
    if (due !== undefined && (nextDueAt === undefined || due < nextDueAt)) nextDueAt = due;
  };
  let answers = 0;
  const failures: { queue: string; error: unknown }[] = [];
  const empty = new Set<string>();

  const ask = async (queue: string, wanted: number) => {
    const limit = trouble.limitFor(queue, wanted);
    let late = false;
    const answer = (async (): Promise<ReserveResult> => {
      const result = await driver.reserve({ queue, limit, leaseMs, now: clock.now() });
      // A misbehaving driver must not push the worker past its concurrency.
      const jobs = result.jobs.length > limit ? result.jobs.slice(0, limit) : result.jobs;
      if (late) {
        if (jobs.length > 0) input.onLateJobs(jobs);
        return result;
      }
      noteDue(result.nextDueAt);
      if (jobs.length < limit) empty.add(queue);
      reserved += jobs.length;
      remaining -= jobs.length;
      if (jobs.length > 0) input.onJobs(jobs);
      return result;
    })();
    try {
      if ((await awaitPatiently(clock, answer)) === 'late') {
        late = true;
        trouble.lateReserve(queue, answer);
      } else {
        answers++;
        trouble.answered(queue);
      }
    } catch (error) {
      failures.push({ queue, error });
    }
  };

  const usable = (queue: string) => {
    if (!trouble.skips(queue, clock.now())) return true;
    noteDue(trouble.retryAt(queue));
    return false;
  };

  try {
    const first = planner.plan(remaining);
    for (const { queue, limit } of first) {
      if (remaining === 0) break;
      if (usable(queue)) await ask(queue, Math.min(limit, remaining));
    }
    const leftoverOrder = [...new Set([...first.map((a) => a.queue), ...planner.names])];
    for (const queue of leftoverOrder) {
      if (remaining === 0) break;
      if (!empty.has(queue) && !failures.some((failure) => failure.queue === queue) && usable(queue)) await ask(queue, remaining);
    }
    const firstFailure = failures[0];
    if (firstFailure !== undefined && answers === 0) throw firstFailure.error;
    for (const { queue, error } of failures) {
      trouble.failed(queue, clock.now());
      noteDue(trouble.retryAt(queue));
      input.onQueueError(error, queue);
    }
    return { reserved, idle: remaining > 0, nextDueAt };
  } finally {
    input.unbook(remaining);
  }
}
