import type { ReserveResult } from '@taskharbor/core';

/** After a reserve on a queue failed, the queue is left alone this long, doubling up to the cap while it keeps failing. */
const QUEUE_RETRY_MIN_MS = 100;
const QUEUE_RETRY_MAX_MS = 1_000;

/**
 * What the worker knows about queues whose store is in trouble (a silent or
 * dead Redis Cluster shard), so that they do not hold back the others:
 *
 * - late reserves: ones a round stopped waiting for (ASK_PATIENCE_MS in
 *   reserve-round.ts). Their slots went back to the round; if one answers
 *   after all, its jobs run in slots free by then and the rest are released.
 *   While one is out, rounds skip its queue, and after it the queue is asked
 *   for one job at a time until a reserve there answers in time again;
 * - failing queues: a reserve that failed (while others of the round went
 *   through) keeps its queue out of the rounds for a backoff that doubles
 *   while it keeps failing.
 */
export class QueueTrouble {
  private readonly late = new Map<string, number>();
  private readonly waits = new Set<Promise<unknown>>();
  /** Queues whose last reserve was late and none has answered in time since. */
  private readonly slow = new Set<string>();
  private readonly failing = new Map<string, { until: number; backoffMs: number }>();
  private readonly onLateSettled: (error: unknown) => void;

  /** `onLateSettled` hears each late reserve's end: `error` is undefined when it answered. */
  constructor(onLateSettled: (error: unknown) => void) {
    this.onLateSettled = onLateSettled;
  }

  /** True when rounds should not ask `queue` now. */
  skips(queue: string, now: number): boolean {
    if (this.late.has(queue)) return true;
    const failing = this.failing.get(queue);
    return failing !== undefined && now < failing.until;
  }

  /** When a failing queue may be asked again; undefined when it is not failing. */
  retryAt(queue: string): number | undefined {
    return this.failing.get(queue)?.until;
  }

  /** How many jobs to ask `queue` for, when the round would ask for `limit`. */
  limitFor(queue: string, limit: number): number {
    return this.slow.has(queue) ? Math.min(1, limit) : limit;
  }

  /** A reserve on `queue` answered in time. */
  answered(queue: string): void {
    this.slow.delete(queue);
    this.failing.delete(queue);
  }

  /** A reserve on `queue` failed while the round went on with other queues. */
  failed(queue: string, now: number): void {
    const previous = this.failing.get(queue)?.backoffMs ?? 0;
    const backoffMs = Math.min(QUEUE_RETRY_MAX_MS, Math.max(QUEUE_RETRY_MIN_MS, previous * 2));
    this.failing.set(queue, { until: now + backoffMs, backoffMs });
  }

  /** A round stopped waiting for this reserve on `queue`. */
  lateReserve(queue: string, answer: Promise<ReserveResult>): void {
    this.slow.add(queue);
    this.late.set(queue, (this.late.get(queue) ?? 0) + 1);
    const wait: Promise<void> = answer
      .then(
        () => {
          this.slow.delete(queue);
          this.onLateSettled(undefined);
        },
        (error: unknown) => this.onLateSettled(error),
      )
      .finally(() => {
        const left = (this.late.get(queue) ?? 1) - 1;
        if (left > 0) this.late.set(queue, left);
        else this.late.delete(queue);
        this.waits.delete(wait);
      });
    this.waits.add(wait);
  }

  /** Resolves once every late reserve has answered or failed. */
  async lateSettled(): Promise<void> {
    while (this.waits.size > 0) await Promise.allSettled([...this.waits]);
  }
}
