import type {
  AckOptions,
  EnqueueResult,
  JobRecord,
  JobRef,
  Lease,
  ListPage,
  ListRequest,
  NewJobRecord,
  ReserveRequest,
  ReserveResult,
  WaitForWorkRequest,
} from '@taskharbor/core';
import { type DueJob, MemoryDriver, type QueueState, type StoredJob } from '@taskharbor/driver-memory';

/*
 * Drivers that each break exactly one rule of docs/driver-contract.md that
 * every driver follows (the operations outside the families), so the
 * self-test can show that the conformance suite notices. Most override one
 * of MemoryDriver's protected seams; the rest wrap a public method. The
 * families' broken drivers are in the files named after them.
 */

/** Breaks "the token is the current one, else LeaseMismatchError": any token passes. */
export class AcceptsWrongToken extends MemoryDriver {
  protected override tokenMatches(): boolean {
    return true;
  }
}

/** Breaks "an expired lease is reclaimed": expired in-flight jobs stay in flight forever. */
export class NeverReclaims extends MemoryDriver {
  protected override reclaimExpired(): DueJob[] {
    return [];
  }
}

/**
 * Breaks "while a lease is valid no other reserve returns its job" under
 * concurrency: reserve looks at the head of the ready list, then (like a
 * driver doing a read and a write in two round trips) yields before it
 * claims, and also hands out the head it saw when someone else claimed it.
 */
export class HandsOutTwiceUnderRace extends MemoryDriver {
  override async reserve(request: ReserveRequest): Promise<ReserveResult> {
    // `?.` so that a request of the wrong shape still reaches the unbroken checks.
    const seen = this.queueStates.get(request?.queue)?.ready.peekFront();
    await Promise.resolve();
    const result = await super.reserve(request);
    if (seen?.status === 'inflight' && !result.jobs.some((r) => r.job.id === seen.id) && seen.token !== undefined) {
      const lease: Lease = { jobId: seen.id, queue: request.queue, token: seen.token, expiresAt: seen.expiresAt as number };
      const job = await this.inspect({ queue: request.queue, id: seen.id });
      if (job !== undefined) result.jobs.unshift({ job, lease });
    }
    return result;
  }
}

/** Breaks "a reclaimed job becomes ready with runAt cleared": it keeps the runAt it had. */
export class ReclaimKeepsRunAt extends MemoryDriver {
  protected override reclaimExpired(state: QueueState, now: number): DueJob[] {
    const runAts = new Map<string, number | undefined>();
    for (const job of state.jobs.values()) if (job.status === 'inflight') runAts.set(job.id, job.runAt);
    const reclaimed = super.reclaimExpired(state, now);
    for (const { item } of reclaimed) item.runAt = runAts.get(item.id);
    return reclaimed;
  }
}

/** Breaks "a job is runnable when runAt is unset or runAt <= now": runAt is ignored. */
export class IgnoresRunAt extends MemoryDriver {
  protected override isRunnable(): boolean {
    return true;
  }
}

/** Breaks "the same key in another queue is unrelated": idempotency keys are looked up in every queue. */
export class DedupesKeysAcrossQueues extends MemoryDriver {
  protected override lookupIdempotencyKey(_queue: string, key: string | undefined): string | undefined {
    if (key === undefined) return undefined;
    for (const state of this.queueStates.values()) {
      const id = state.idempotencyKeys.get(key);
      if (id !== undefined) return id;
    }
    return undefined;
  }
}

/** Breaks "now < expiresAt, else LeaseExpiredError" for ack only: an expired lease can still ack. */
export class AckIgnoresLeaseExpiry extends MemoryDriver {
  private acking = false;

  override async ack(lease: Lease, now: number, options?: AckOptions): Promise<void> {
    // MemoryDriver's ack runs its checks synchronously, so the flag covers exactly this call's checks.
    this.acking = true;
    try {
      return await super.ack(lease, now, options);
    } finally {
      this.acking = false;
    }
  }

  protected override leaseHasExpired(job: StoredJob, now: number): boolean {
    return this.acking ? false : super.leaseHasExpired(job, now);
  }
}

/** Breaks "a lease is valid while now < expiresAt": the lease still counts at exactly expiresAt. */
export class LeaseValidAtExpiry extends MemoryDriver {
  protected override leaseHasExpired(job: StoredJob, now: number): boolean {
    return now > (job.expiresAt as number);
  }
}

/** Breaks "a released job goes to the head": it joins the tail. */
export class ReleaseToTail extends MemoryDriver {
  protected override placeReleased(state: QueueState, job: StoredJob): void {
    state.ready.pushBack(job);
  }
}

/** Breaks "retention removes done jobs past maxDoneCount or maxDoneAgeMs": done jobs are kept forever. */
export class RetentionNeverRuns extends MemoryDriver {
  protected override applyRetention(): void {}
}

/** Breaks "remove done jobs that finished more than maxDoneAgeMs before now": one exactly that old goes too. */
export class RetentionRemovesAtMaxAge extends MemoryDriver {
  protected override applyRetention(state: QueueState, now: number): void {
    super.applyRetention(state, now + 1);
  }
}

/**
 * Breaks "a job that keeps its status appears exactly once across the
 * pages": the cursor is a position, so jobs that come or go before it shift
 * the next page.
 */
export class ListCursorIsAnOffset extends MemoryDriver {
  override async list(request: ListRequest): Promise<ListPage> {
    // Keeps every check but the cursor's; a request of the wrong shape goes to them as it is.
    await super.list(typeof request === 'object' && request !== null ? { ...request, cursor: undefined } : request);
    const offset = request.cursor === undefined ? 0 : Number(request.cursor);
    const all = await super.list({ queue: request.queue, status: request.status, type: request.type, limit: 1000 });
    const jobs = all.jobs.slice(offset, offset + request.limit);
    const next = offset + request.limit;
    return next < all.jobs.length ? { jobs, nextCursor: String(next) } : { jobs };
  }
}

/** Breaks "waitForWork resolves for work in the queues it names": any enqueue wakes every waiter. */
export class WakesEveryQueue extends MemoryDriver {
  private readonly waiting = new Set<() => void>();

  override async waitForWork(request: WaitForWorkRequest): Promise<void> {
    let wake = () => {};
    const woken = new Promise<void>((resolve) => {
      wake = resolve;
    });
    this.waiting.add(wake);
    try {
      await Promise.race([super.waitForWork(request), woken]);
    } finally {
      this.waiting.delete(wake);
    }
  }

  override async enqueue(job: NewJobRecord, now: number): Promise<EnqueueResult> {
    const result = await super.enqueue(job, now);
    for (const wake of this.waiting) wake();
    return result;
  }
}

/**
 * Breaks "a field that is not set is left out of the record": inspect
 * answers every optional field, the unset ones with the value undefined.
 */
export class KeepsUnsetFields extends MemoryDriver {
  override async inspect(ref: JobRef): Promise<JobRecord | undefined> {
    const record = await super.inspect(ref);
    if (record === undefined) return undefined;
    const unset = { runAt: undefined, timeoutMs: undefined, lastError: undefined, failedAt: undefined, finishedAt: undefined };
    return { ...unset, ...record };
  }
}

/** Breaks "a wait leaves no abort listener on the signal": every wait adds one that stays. */
export class LeavesAbortListener extends MemoryDriver {
  override async waitForWork(request: WaitForWorkRequest): Promise<void> {
    const waiting = super.waitForWork(request);
    // Only once the unbroken checks passed, so invalid requests still fail as they should.
    await Promise.race([waiting, Promise.resolve()]);
    request.signal.addEventListener('abort', () => {});
    return waiting;
  }
}
