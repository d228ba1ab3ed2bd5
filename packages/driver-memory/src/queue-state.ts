import type { QueueCounts } from '@taskharbor/core';
import { IndexedHeap } from './indexed-heap.js';
import { ReadyList } from './ready-list.js';
import type { StoredJob } from './stored-job.js';

/**
 * Everything one queue holds. Each job sits in exactly one of the six
 * status structures, matching its status, and in `jobs` for lookup by id.
 */
export class QueueState {
  readonly name: string;
  /** Every job the queue holds, by id. */
  readonly jobs = new Map<string, StoredJob>();
  /** Idempotency key to the id of the job that claimed it. */
  readonly idempotencyKeys = new Map<string, string>();
  /** Runnable jobs in hand-out order: reserve pops the front. */
  readonly ready = new ReadyList();
  /** Jobs waiting for their runAt, ordered by (runAt, id). */
  readonly scheduled = new IndexedHeap<StoredJob>();
  /** Reserved jobs, ordered by (lease expiresAt, id). */
  readonly inflight = new IndexedHeap<StoredJob>();
  /** Acked jobs, ordered by (finishedAt, id), so retention removes the oldest first. */
  readonly done = new IndexedHeap<StoredJob>();
  /** Dead-lettered job ids in the order they arrived. */
  readonly dlq = new Set<string>();
  /** Cancelled jobs, ordered by (cancelledAt, id), so retention removes the oldest first. */
  readonly cancelled = new IndexedHeap<StoredJob>();
  /** A paused queue hands out nothing (job control). */
  paused = false;

  constructor(name: string) {
    this.name = name;
  }

  counts(): QueueCounts {
    return {
      ready: this.ready.size,
      scheduled: this.scheduled.size,
      inflight: this.inflight.size,
      done: this.done.size,
      dlq: this.dlq.size,
      cancelled: this.cancelled.size,
      paused: this.paused,
    };
  }

  /** The earliest scheduled runAt or lease expiry: the next change that comes by time alone. */
  nextDueAt(): number | undefined {
    const runAt = this.scheduled.peek()?.at;
    const expiresAt = this.inflight.peek()?.at;
    if (runAt === undefined) return expiresAt;
    if (expiresAt === undefined) return runAt;
    return Math.min(runAt, expiresAt);
  }

  /** Drops a job and the idempotency mapping that points to it. */
  forget(job: StoredJob): void {
    this.jobs.delete(job.id);
    // A key maps to the one job that holds it until that job is forgotten; a job without a key deletes nothing.
    this.idempotencyKeys.delete(job.idempotencyKey as string);
  }
}
