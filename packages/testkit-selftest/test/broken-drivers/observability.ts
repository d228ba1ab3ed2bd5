import type { Lease, RetryUpdate, WorkerEntry } from '@taskharbor/core';
import { MemoryDriver, type RunOutcome } from '@taskharbor/driver-memory';

/*
 * Drivers that each break one rule of the observability family
 * (docs/observability.md), for parts/observability.ts.
 */

/** Breaks "retry keeps meta": the retried job loses its meta. */
export class DropsMetaOnRetry extends MemoryDriver {
  override async retry(lease: Lease, update: RetryUpdate, now: number): Promise<void> {
    await super.retry(lease, update, now);
    const job = this.queueStates.get(lease.queue)?.jobs.get(lease.jobId);
    if (job !== undefined) (job as { meta?: unknown }).meta = undefined;
  }
}

/** Breaks "fail counts a failed and dead run": a dead-lettering fail counts nothing. */
export class CountsNoDeadLetters extends MemoryDriver {
  protected override countRun(queue: string, outcome: RunOutcome, now: number): void {
    if (outcome !== 'dead') super.countRun(queue, outcome, now);
  }
}

/** Breaks "an entry is live until expiresAt": it is still listed at expiresAt. */
export class ListsWorkersAtExpiry extends MemoryDriver {
  protected override workerIsLive(entry: WorkerEntry, now: number): boolean {
    return entry.expiresAt >= now;
  }
}
