import type { ReserveResult } from '@taskharbor/core';

/**
 * Reserves that a round stopped waiting for (see ASK_PATIENCE_MS in
 * reserve-round.ts): their queue's Redis shard may be silent. They still
 * deliver their jobs when they answer, and keep the slots they asked for
 * until then (at most the driver's command timeout). While one is out,
 * later rounds leave its queue alone; after it, the queue is asked for one
 * job at a time until a reserve there answers in time again, so a silent
 * shard ties up few slots and never holds back the other queues.
 */
export class LateReserves {
  private readonly pending = new Map<string, Promise<unknown>>();
  /** Queues whose last reserve was late and none has answered since. */
  private readonly slow = new Set<string>();
  private readonly onSettled: (error: unknown) => void;

  /** `onSettled` hears each late reserve's end: `error` is undefined when it answered. */
  constructor(onSettled: (error: unknown) => void) {
    this.onSettled = onSettled;
  }

  /** True while a late reserve on `queue` is out. */
  has(queue: string): boolean {
    return this.pending.has(queue);
  }

  /** How many jobs to ask `queue` for, when the round would ask for `limit`. */
  limitFor(queue: string, limit: number): number {
    return this.slow.has(queue) ? Math.min(1, limit) : limit;
  }

  /** A reserve on `queue` answered: it is no longer slow. */
  answered(queue: string): void {
    this.slow.delete(queue);
  }

  add(queue: string, answer: Promise<ReserveResult>): void {
    this.slow.add(queue);
    const settled = answer.then(
      () => {
        this.slow.delete(queue);
        this.onSettled(undefined);
      },
      (error: unknown) => this.onSettled(error),
    );
    const tracked = settled.finally(() => this.pending.delete(queue));
    this.pending.set(queue, tracked);
  }

  /** Resolves once every late reserve has answered or failed. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending.values()]);
  }
}
