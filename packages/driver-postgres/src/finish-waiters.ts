import type { JobRecord, JobRef } from '@taskharbor/core';

interface FinishWaiter {
  resolve(record: JobRecord): void;
  reject(error: unknown): void;
}

/** What a finish check found: the finished record, an error (job gone), or undefined while it still runs. */
export type FinishCheck = (ref: JobRef) => Promise<JobRecord | Error | undefined>;

/** How often pending waits re-read their jobs, in case a notice was lost (a dropped listening connection). */
const SAFETY_CHECK_MS = 5000;

function keyOf(queue: string, id: string): string {
  return `${queue} ${id}`;
}

/**
 * The pending waitForFinish calls of one driver, by job. A notice (or the
 * slow safety check) makes the driver read the job once for all of its
 * waiters, so a thousand waits on one job cost one read per notice.
 */
export class FinishWaiters {
  private readonly byJob = new Map<string, { ref: JobRef; waiters: Set<FinishWaiter> }>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly check: FinishCheck) {}

  /** Settles with the record once the job finished, or the error check reports; rejects with the signal's reason on abort. */
  wait(ref: JobRef, signal: AbortSignal): Promise<JobRecord> {
    return new Promise<JobRecord>((resolve, reject) => {
      if (signal.aborted) {
        reject(signal.reason);
        return;
      }
      const key = keyOf(ref.queue, ref.id);
      let entry = this.byJob.get(key);
      if (entry === undefined) {
        entry = { ref: { queue: ref.queue, id: ref.id }, waiters: new Set() };
        this.byJob.set(key, entry);
      }
      const waiters = entry.waiters;
      const onAbort = () => done(() => reject(signal.reason));
      const done = (settle: () => void) => {
        signal.removeEventListener('abort', onAbort);
        waiters.delete(waiter);
        if (waiters.size === 0) this.byJob.delete(key);
        if (this.byJob.size === 0) this.stopTimer();
        settle();
      };
      const waiter: FinishWaiter = {
        resolve: (record) => done(() => resolve(record)),
        reject: (error) => done(() => reject(error)),
      };
      waiters.add(waiter);
      signal.addEventListener('abort', onAbort, { once: true });
      this.startTimer();
    });
  }

  /** Reads the job again and settles its waiters if it finished or is gone. */
  async recheck(queue: string, id: string): Promise<void> {
    const entry = this.byJob.get(keyOf(queue, id));
    if (entry === undefined) return;
    let outcome: JobRecord | Error | undefined;
    try {
      outcome = await this.check(entry.ref);
    } catch {
      // A failed read (a dropped connection) settles nothing; the safety check tries again.
      return;
    }
    if (outcome === undefined) return;
    for (const waiter of [...entry.waiters]) {
      if (outcome instanceof Error) waiter.reject(outcome);
      else waiter.resolve(structuredClone(outcome));
    }
  }

  /** Re-reads every watched job (after a reconnect, and on the safety timer). */
  recheckAll(): void {
    for (const { ref } of [...this.byJob.values()]) void this.recheck(ref.queue, ref.id);
  }

  /** Rejects every pending wait (on close). */
  rejectAll(error: () => Error): void {
    for (const { waiters } of [...this.byJob.values()]) for (const waiter of [...waiters]) waiter.reject(error());
    this.stopTimer();
  }

  private startTimer(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => this.recheckAll(), SAFETY_CHECK_MS);
    this.timer.unref();
  }

  private stopTimer(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
