import { type JobRecord, JobNotFoundError } from '@taskharbor/core';

interface FinishWaiter {
  resolve(record: JobRecord): void;
  reject(error: unknown): void;
}

function keyOf(queue: string, id: string): string {
  return `${queue}\u0000${id}`;
}

/**
 * Pending waitForFinish calls, by job. The driver settles them when a job
 * finishes (done, dlq, cancelled) or is removed; an abort settles one alone.
 */
export class FinishWaiters {
  private readonly byJob = new Map<string, Set<FinishWaiter>>();

  wait(queue: string, id: string, signal: AbortSignal): Promise<JobRecord> {
    return new Promise<JobRecord>((resolve, reject) => {
      const key = keyOf(queue, id);
      const waiters = this.byJob.get(key) ?? new Set<FinishWaiter>();
      this.byJob.set(key, waiters);
      const leave = () => {
        signal.removeEventListener('abort', onAbort);
        waiters.delete(waiter);
        if (waiters.size === 0) this.byJob.delete(key);
      };
      const onAbort = () => {
        leave();
        reject(signal.reason);
      };
      const waiter: FinishWaiter = {
        resolve: (record) => {
          leave();
          resolve(record);
        },
        reject: (error) => {
          leave();
          reject(error);
        },
      };
      waiters.add(waiter);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** The job finished: every wait on it resolves with (its own copy of) the record. */
  finished(queue: string, id: string, record: () => JobRecord): void {
    const waiters = this.byJob.get(keyOf(queue, id));
    if (waiters === undefined) return;
    for (const waiter of [...waiters]) waiter.resolve(record());
  }

  /** The job is gone: every wait on it rejects with JobNotFoundError. */
  removed(queue: string, id: string): void {
    const waiters = this.byJob.get(keyOf(queue, id));
    if (waiters === undefined) return;
    for (const waiter of [...waiters]) waiter.reject(new JobNotFoundError(queue, id));
  }

  /** The driver closes: every wait rejects with the given error. */
  rejectAll(error: () => unknown): void {
    for (const waiters of [...this.byJob.values()]) for (const waiter of [...waiters]) waiter.reject(error());
  }

  /** How many waits are pending; for tests that check nothing leaks. */
  get pending(): number {
    let count = 0;
    for (const waiters of this.byJob.values()) count += waiters.size;
    return count;
  }
}
