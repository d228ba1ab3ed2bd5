/**
 * Counts the jobs this worker holds against its concurrency. A slot is taken
 * when a job is reserved and given back only when its handler has settled
 * and its outcome write has finished, so a timed-out handler that ignores
 * its signal still counts, and slow outcome writes push back on reserving.
 */
export class Slots {
  readonly limit: number;
  private used = 0;
  private waiters: (() => void)[] = [];

  constructor(limit: number) {
    this.limit = limit;
  }

  get free(): number {
    return this.limit - this.used;
  }

  get inUse(): number {
    return this.used;
  }

  take(): void {
    // Only the reserve loop takes slots, and it asks for at most `free` jobs.
    if (this.used >= this.limit) throw new Error(`all ${this.limit} slots are in use; this is a bug in the worker`);
    this.used++;
  }

  give(): void {
    this.used--;
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** Resolves once a slot is free (at once if one is), or when the signal aborts. */
  whenFree(signal: AbortSignal): Promise<void> {
    return this.until(() => this.used < this.limit, signal);
  }

  /** Resolves once every slot is free, or when the signal aborts. */
  whenIdle(signal: AbortSignal): Promise<void> {
    return this.until(() => this.used === 0, signal);
  }

  private until(condition: () => boolean, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (condition() || signal.aborted) return resolve();
      const onAbort = () => resolve();
      const check = () => {
        if (signal.aborted) return;
        if (condition()) {
          signal.removeEventListener('abort', onAbort);
          resolve();
        } else {
          this.waiters.push(check);
        }
      };
      this.waiters.push(check);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
