interface Waiter {
  readonly queues: readonly string[];
  settle(): void;
}

/**
 * The pending waitForWork calls, in one set per queue. A waiter leaves every
 * set and drops its abort listener the moment it settles, whatever settled
 * it, so nothing piles up across many waits.
 */
export class WorkWaiters {
  private readonly byQueue = new Map<string, Set<Waiter>>();
  /** Every pending waiter, also one that names no queue, so close reaches them all. */
  private readonly all = new Set<Waiter>();

  /** Resolves on wake of one of the queues, on wakeAll, or when the signal aborts (also when it already has). */
  wait(queues: readonly string[], signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const waiter: Waiter = {
        queues,
        settle: () => {
          signal.removeEventListener('abort', waiter.settle);
          this.detach(waiter);
          resolve();
        },
      };
      this.all.add(waiter);
      for (const queue of queues) {
        let set = this.byQueue.get(queue);
        if (set === undefined) {
          set = new Set();
          this.byQueue.set(queue, set);
        }
        set.add(waiter);
      }
      signal.addEventListener('abort', waiter.settle, { once: true });
    });
  }

  /** Settles every waiter of the queue. */
  wake(queue: string): void {
    const set = this.byQueue.get(queue);
    if (set === undefined) return;
    for (const waiter of [...set]) waiter.settle();
  }

  /** Settles every waiter (the driver is closing). */
  wakeAll(): void {
    for (const waiter of [...this.all]) waiter.settle();
  }

  /** How many waits are pending; for tests that check nothing leaks. */
  get pending(): number {
    return this.all.size;
  }

  private detach(waiter: Waiter): void {
    this.all.delete(waiter);
    for (const queue of waiter.queues) {
      const set = this.byQueue.get(queue);
      if (set === undefined) continue;
      set.delete(waiter);
      if (set.size === 0) this.byQueue.delete(queue);
    }
  }
}
