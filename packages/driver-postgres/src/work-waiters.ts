interface WorkWaiter {
  readonly queues: readonly string[];
  settle(): void;
}

/**
 * The pending waitForWork calls of one driver, by queue. A wake-up settles
 * every waiter of that queue; each waiter takes its abort listener off the
 * signal however it settles.
 */
export class WorkWaiters {
  private readonly byQueue = new Map<string, Set<WorkWaiter>>();

  /** Resolves on a wake-up of one of the queues, on wakeAll, or when the signal aborts. */
  wait(queues: readonly string[], signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const waiter: WorkWaiter = {
        queues,
        settle: () => {
          signal.removeEventListener('abort', waiter.settle);
          for (const queue of queues) {
            const set = this.byQueue.get(queue);
            set?.delete(waiter);
            if (set?.size === 0) this.byQueue.delete(queue);
          }
          resolve();
        },
      };
      signal.addEventListener('abort', waiter.settle, { once: true });
      for (const queue of queues) {
        let set = this.byQueue.get(queue);
        if (set === undefined) {
          set = new Set();
          this.byQueue.set(queue, set);
        }
        set.add(waiter);
      }
    });
  }

  /** Settles every waiter of the queue. */
  wake(queue: string): void {
    const set = this.byQueue.get(queue);
    if (set === undefined) return;
    for (const waiter of [...set]) waiter.settle();
  }

  /** Settles every waiter: after a reconnect (work may have come meanwhile) and on close. */
  wakeAll(): void {
    for (const queue of [...this.byQueue.keys()]) this.wake(queue);
  }

  /** Whether any wait is pending. */
  get size(): number {
    return this.byQueue.size;
  }
}
