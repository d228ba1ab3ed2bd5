import type { JobRecord, Lease, NewJobRecord, ReservedJob } from './job.js';

/** The answer to an enqueue. */
export interface EnqueueResult {
  id: string;
  /** True when the job id, or the idempotency key in that queue, was already stored; nothing changed. */
  existed: boolean;
}

export interface ReserveRequest {
  queue: string;
  /** The most jobs to hand out in this call (1 to 10,000). */
  limit: number;
  /** How long each lease lasts, in milliseconds (a positive integer). */
  leaseMs: number;
  /** The caller's clock; every time decision uses it. */
  now: number;
}

export interface ReserveResult {
  /** Up to `limit` jobs, in the order the queue hands them out. */
  jobs: ReservedJob[];
  /**
   * The earliest moment after this call at which something in the queue
   * changes by time alone: the earliest scheduled runAt or lease expiry.
   * Unset when nothing is scheduled or in flight. An idle caller should wait
   * until then (or until waitForWork resolves), not poll.
   */
  nextDueAt?: number;
}

/** What the worker records when a run failed and another is allowed. */
export interface RetryUpdate {
  /** The new count of recorded failures, computed by the worker. */
  attempts: number;
  lastError?: string;
  failedAt: number;
  /** When to run again; unset means runnable now (the job joins the ready tail). */
  runAt?: number;
}

/** What the worker records when a job is dead-lettered. */
export interface FailUpdate {
  attempts: number;
  lastError?: string;
  failedAt: number;
  /** Why the job was dead-lettered; shown by inspect. */
  reason: string;
}

/** What ack may store with the done job (drivers with job control). */
export interface AckOptions {
  /** The handler's return value, encoded by the worker's codec (at most MAX_RESULT_BYTES). */
  result?: Uint8Array;
}

/** The outcome of one lease in a batch operation: done, or the typed error that call alone would have thrown. */
export type BatchOutcome<T> = { ok: true; value: T } | { ok: false; error: Error };

export interface WaitForWorkRequest {
  queues: readonly string[];
  /** Aborting it makes waitForWork resolve at once. */
  signal: AbortSignal;
  /**
   * Optional: the caller will take one job with its wake-up. A driver that
   * can hand a job over (see WaitForWorkResult) leases it for `leaseMs`
   * from the enqueuer's now, as reserve would have; one that cannot ignores
   * this and resolves as usual. Unset: never hand a job over.
   */
  handoff?: { leaseMs: number };
}

/**
 * What waitForWork may resolve with when the request asked for a handoff:
 * at most one job, leased to the caller as a reserve would have leased it
 * (the job a reserve would have handed out next). The caller owns it from
 * then on: it runs it and writes its outcome, or releases it. A driver never
 * hands a job to a wait whose signal aborted; a job that reaches an ended
 * wait goes back to the head of its queue with no attempt counted.
 */
export interface WaitForWorkResult {
  jobs: ReservedJob[];
}

/**
 * The storage contract every driver keeps. docs/driver-contract.md states
 * each rule; the testkit's conformance suite checks them.
 *
 * Drivers never read a clock: every time decision uses the `now` the caller
 * passes, so a fake clock drives them in tests.
 */
export interface Driver {
  /**
   * Stores a new job. A job whose id already exists in its queue, or whose
   * idempotency key is already mapped in that queue, is not stored again:
   * the answer carries the first job's id and `existed: true`.
   * Invalid records are rejected with ValidationError before anything is written.
   */
  enqueue(job: NewJobRecord, now: number): Promise<EnqueueResult>;

  /**
   * Stores several jobs; the answers are in the same order. Records are all
   * validated before any is stored. Jobs of one queue are stored atomically.
   */
  enqueueMany(jobs: readonly NewJobRecord[], now: number): Promise<EnqueueResult[]>;

  /**
   * Hands out up to `limit` runnable jobs of one queue, each under a new lease
   * that no other reserve can take while now < expiresAt. Before that it makes
   * due scheduled jobs ready and reclaims expired leases.
   */
  reserve(request: ReserveRequest): Promise<ReserveResult>;

  /** Moves the lease's expiry to now + leaseMs and returns the new lease (same token). */
  extendLease(lease: Lease, leaseMs: number, now: number): Promise<Lease>;

  /**
   * Marks the job done. Repeating it with the same token succeeds. A driver
   * with job control stores `options.result` with the job, and finishes a
   * job with a cancel request as cancelled instead.
   */
  ack(lease: Lease, now: number, options?: AckOptions): Promise<void>;

  /** Records a failure and puts the job back: ready now, or scheduled for `update.runAt`. */
  retry(lease: Lease, update: RetryUpdate, now: number): Promise<void>;

  /** Records a failure and moves the job to the dead-letter queue. Repeating it with the same token succeeds. */
  fail(lease: Lease, update: FailUpdate, now: number): Promise<void>;

  /** Gives the job back without counting a failure: it goes to the head of the ready list. */
  release(lease: Lease, now: number): Promise<void>;

  /**
   * Resolves when one of the queues may have new runnable work (an enqueue,
   * a release, a retry or requeue that is runnable now), or at once when the
   * signal aborts. It may resolve spuriously; callers reserve and wait again.
   * Time-based changes (a due runAt, an expiring lease) are reported by
   * reserve's `nextDueAt`; the caller waits for those on its own clock.
   * With `request.handoff` set, a driver may resolve with a job already
   * leased to the caller (WaitForWorkResult); otherwise it resolves empty.
   */
  waitForWork(request: WaitForWorkRequest): Promise<WaitForWorkResult | undefined | void>;

  /** Releases the driver's resources. Idempotent; every later call fails with DriverClosedError. */
  close(): Promise<void>;

  /**
   * Optional: how many jobs a worker should handle together. It starts the
   * jobs of a reserve reply this many per turn of the event loop, so its ack
   * batches and the reserves that refill their slots come in this size too.
   * A store that pays a commit per statement declares a larger one than the
   * worker's default (25, sized for Redis round trips). A positive integer.
   */
  readonly batchSize?: number;

  /** Optional batch form of ack: one outcome per lease, in order; `results[i]` is lease i's result, if any. */
  ackMany?(
    leases: readonly Lease[],
    now: number,
    results?: readonly (Uint8Array | undefined)[],
  ): Promise<BatchOutcome<void>[]>;

  /** Optional batch form of extendLease: one outcome per lease, in order. */
  extendLeases?(leases: readonly Lease[], leaseMs: number, now: number): Promise<BatchOutcome<Lease>[]>;
}

export type { JobRecord };
