import type { Clock, Driver, ReservedJob } from '@taskharbor/core';
import type { QueuePlanner } from './queue-order.js';

export interface RoundResult {
  /** Jobs reserved in this round. */
  reserved: number;
  /**
   * True when some free slot could not be filled. Then every queue was asked
   * and came up short, so the worker can wait for work; nextDueAt is the
   * earliest time-based change any of them reported.
   */
  idle: boolean;
  nextDueAt: number | undefined;
}

export interface RoundInput {
  driver: Driver;
  clock: Clock;
  planner: QueuePlanner;
  leaseMs: number;
  free: number;
  /** Called with each batch as it arrives, so jobs start before the next queue is asked. */
  onJobs: (jobs: ReservedJob[]) => void;
}

/**
 * Fills free slots with one reserve per queue (batched: limit = the slots it
 * may fill), not one call per slot. First the planner's asks; then slots an
 * empty queue left go to the other queues in order of preference. Each ask
 * either fills what is left or shows that its queue is empty, so a round
 * makes at most two calls per queue.
 */
export async function reserveRound(input: RoundInput): Promise<RoundResult> {
  const { driver, clock, planner, leaseMs } = input;
  let remaining = input.free;
  let reserved = 0;
  let nextDueAt: number | undefined;
  const empty = new Set<string>();

  const ask = async (queue: string, limit: number) => {
    const result = await driver.reserve({ queue, limit, leaseMs, now: clock.now() });
    const due = result.nextDueAt;
    if (due !== undefined && (nextDueAt === undefined || due < nextDueAt)) nextDueAt = due;
    // A misbehaving driver must not push the worker past its concurrency.
    const jobs = result.jobs.length > limit ? result.jobs.slice(0, limit) : result.jobs;
    if (jobs.length < limit) empty.add(queue);
    reserved += jobs.length;
    remaining -= jobs.length;
    if (jobs.length > 0) input.onJobs(jobs);
  };

  const first = planner.plan(remaining);
  for (const { queue, limit } of first) {
    if (remaining === 0) break;
    await ask(queue, Math.min(limit, remaining));
  }
  const leftoverOrder = [...new Set([...first.map((a) => a.queue), ...planner.names])];
  for (const queue of leftoverOrder) {
    if (remaining === 0) break;
    if (empty.has(queue)) continue;
    await ask(queue, remaining);
  }
  return { reserved, idle: remaining > 0, nextDueAt };
}
