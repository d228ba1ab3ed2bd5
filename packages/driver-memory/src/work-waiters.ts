interface Waiter {
  readonly queues: readonly string[];
  settle(): void;
}

/**
 * The pending waitForWork calls. A waiter leaves the set and drops its abort
 * listener the moment it settles, whatever settled it, so nothing piles up
 * across many waits. A wake looks at every pending waiter: there is about
 * one per idle worker loop, so a scan is cheaper than keeping an index per
 * queue.
 */
export class WorkWaiters {
  private readonly waiters = new Set<Waiter>();

  /** Resolves on wake of one of the queues, on wakeAll, or when the signal aborts (also when it already has). */
  wait(queues: readonly string[], signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const waiter: Waiter = {
        queues,
        settle: () => {
          signal.removeEventListener('abort', waiter.settle);
          this.waiters.delete(waiter);
          resolve();
        },
      };
      this.waiters.add(waiter);
      signal.addEventListener('abort', waiter.settle);
    });
  }

  /** Settles every waiter that watches the queue. */
  wake(queue: string): void {
    // Deleting the entry being visited is safe while iterating a Set.
    for (const waiter of this.waiters) if (waiter.queues.includes(queue)) waiter.settle();
  }

  /** Settles every waiter (the driver is closing). */
  wakeAll(): void {
    for (const waiter of this.waiters) waiter.settle();
  }

  /** How many waits are pending; for tests that check nothing leaks. */
  get pending(): number {
    return this.waiters.size;
  }
}
