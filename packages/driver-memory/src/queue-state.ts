import type { QueueCounts } from '@taskharbor/core';
import { QueueFlow } from './flow-state.js';
import { IndexedHeap } from './indexed-heap.js';
import { ReadyList } from './ready-list.js';
import type { StoredJob } from './stored-job.js';

/** The counts of a queue that never held a job. */
export function emptyCounts(): QueueCounts {
  return { ready: 0, scheduled: 0, inflight: 0, done: 0, dlq: 0, cancelled: 0, paused: false };
}

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
  /** Runnable jobs in hand-out order, while the queue has no flow state: reserve pops the front. */
  readonly ready = new ReadyList();
  /**
   * Flow control (priorities, groups, limits), made the first time the queue
   * needs it; from then on it holds the ready jobs and `ready` stays empty.
   */
  flow: QueueFlow | undefined;
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
      ready: this.readySize,
      scheduled: this.scheduled.size,
      inflight: this.inflight.size,
      done: this.done.size,
      dlq: this.dlq.size,
      cancelled: this.cancelled.size,
      paused: this.paused,
    };
  }

  /**
   * The next change that comes by time alone, seen at `now`: the earliest
   * scheduled runAt or lease expiry and, with flow state, the end of a hold
   * or rate window that holds back ready work.
   */
  nextDueAt(now: number): number | undefined {
    let next = earliest(this.scheduled.peek()?.at, this.inflight.peek()?.at);
    if (this.flow !== undefined) next = earliest(next, this.flow.nextDueAt(now, this.inflight.size));
    return next;
  }

  /** The queue's flow state, made (taking over the ready list) when the queue first needs one. */
  enableFlow(): QueueFlow {
    if (this.flow === undefined) {
      this.flow = new QueueFlow(this.ready, this.inflight.items());
      this.ready.clear();
    }
    return this.flow;
  }

  get readySize(): number {
    return this.flow === undefined ? this.ready.size : this.flow.order.size;
  }

  /** Puts a ready job at the tail of its place in hand-out order. */
  pushReady(job: StoredJob): void {
    if (this.flow === undefined) this.ready.pushBack(job);
    else this.flow.order.pushBack(job);
  }

  /** Puts a ready job at the head of its place in hand-out order (a released or held-back job). */
  pushReadyFront(job: StoredJob): void {
    if (this.flow === undefined) this.ready.pushFront(job);
    else this.flow.order.pushFront(job);
  }

  removeReady(job: StoredJob): void {
    if (this.flow === undefined) this.ready.remove(job.id);
    else this.flow.order.remove(job);
  }

  /** The ready jobs; removing the job just visited is safe. */
  readyJobs(): Iterable<StoredJob> {
    return this.flow === undefined ? this.ready : this.flow.order;
  }

  /** Takes a job out of flight; true when waiting workers should wake (a limited slot freed while work waits). */
  leaveFlight(job: StoredJob): boolean {
    this.inflight.delete(job.id);
    return this.flow?.leftFlight(job) ?? false;
  }

  /** Drops a job and the idempotency mapping that points to it. */
  forget(job: StoredJob): void {
    this.jobs.delete(job.id);
    // A key maps to the one job that holds it until that job is forgotten; a job without a key deletes nothing.
    this.idempotencyKeys.delete(job.idempotencyKey as string);
  }
}

function earliest(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  return b === undefined || a <= b ? a : b;
}
