/**
 * Counts the jobs this worker holds against its concurrency. A reserve books
 * the slots it asks for; each job it brings takes one of them, and the rest
 * are unbooked when it answers. A job that arrives waits (holding its lease)
 * until a handler slot is free; with `prefetch`, up to that many jobs may
 * wait beyond the running ones, so a reserve can be out while every handler
 * runs. A slot is freed when its handler settles, so a timed-out
 * handler that ignores its signal still counts. The job's outcome write may
 * still be in flight then: a freed slot can take the next job while the
 * last one's ack travels, so a busy worker's ack and its next reserve share
 * one round trip. At most `limit + prefetch` such writes may be outstanding
 * on top of the jobs held; beyond that, slow writes push back on reserving.
 */
export class Slots {
  readonly limit: number;
  /** Jobs that may wait, reserved, beyond the running ones. */
  readonly prefetch: number;
  private running = 0;
  private writing = 0;
  private booked = 0;
  private waiting = 0;
  private waiters: (() => void)[] = [];

  constructor(limit: number, prefetch = 0) {
    this.limit = limit;
    this.prefetch = prefetch;
  }

  /**
   * The fewest free places worth a reserve: any one without prefetch (a job
   * waits for nothing else), else half the prefetch, so the jobs that wait
   * here are topped up in batches rather than one reserve per finished job.
   */
  get reserveAt(): number {
    return this.prefetch === 0 ? 1 : Math.ceil(this.prefetch / 2);
  }

  /** How many jobs a reserve may ask for now. */
  get free(): number {
    const taken = this.running + this.booked + this.waiting;
    const capacity = this.limit + this.prefetch;
    return Math.max(0, Math.min(capacity - taken, 2 * capacity - taken - this.writing));
  }

  /** Handlers running. */
  get inUse(): number {
    return this.running;
  }

  /** Jobs held: waiting, running, or with their outcome write in flight. */
  get held(): number {
    return this.running + this.writing + this.waiting;
  }

  /** A reserve asks for `count` jobs: their slots are held until it answers. */
  book(count: number): void {
    // Only the reserve loop books slots, and it asks for at most `free` jobs.
    if (count > this.free) throw new Error(`${count} slots asked for, ${this.free} free; this is a bug in the worker`);
    this.booked += count;
  }

  /** A booked slot gets its job, which waits for a handler slot (see startWaiting). */
  takeBooked(): void {
    if (this.booked === 0) throw new Error('a job arrived for no booked slot; this is a bug in the worker');
    this.booked--;
    this.waiting++;
  }

  /** A waiting job may start now: true when a handler slot was free (it is taken). */
  startWaiting(): boolean {
    if (this.waiting === 0 || this.running >= this.limit) return false;
    this.waiting--;
    this.running++;
    return true;
  }

  /** A waiting job was given back without starting. */
  dropWaiting(): void {
    if (this.waiting === 0) throw new Error('no job was waiting; this is a bug in the worker');
    this.waiting--;
    this.notify();
  }

  /** Booked slots a reserve did not fill. */
  unbook(count: number): void {
    if (count === 0) return;
    this.booked -= count;
    this.notify();
  }

  /** The handler settled; the job's outcome write (if any) is still to finish. */
  settle(): void {
    this.running--;
    this.writing++;
    this.notify();
  }

  /** The job's outcome write finished (written or not). */
  written(): void {
    this.writing--;
    this.notify();
  }

  /** Resolves once enough places are free for a reserve (see reserveAt), or when the signal aborts. */
  whenFree(signal: AbortSignal): Promise<void> {
    return this.until(() => this.free >= this.reserveAt, signal);
  }

  /** Resolves once no handler runs, or when the signal aborts. */
  whenIdle(signal: AbortSignal): Promise<void> {
    return this.until(() => this.running === 0, signal);
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
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
