import type { JobRecord, JobRef, JobStatus, Lease } from './job.js';

/** Statuses purge may remove. Jobs in flight are never purged: cancel them first. */
export type PurgeStatus = Exclude<JobStatus, 'inflight'>;

export interface CancelOptions {
  /** Shown by inspect and handed to the handler's JobCancelledError. */
  reason?: string;
  now: number;
}

/** What a cancel did: a waiting job is cancelled at once; a running one gets a cancel request. */
export interface CancelResult {
  /** `cancelled`: done now. `cancelling`: the job runs; its run is aborted and finishes it as cancelled. */
  status: 'cancelled' | 'cancelling';
}

export interface PromoteOptions {
  now: number;
}

export interface PurgeOptions {
  status: PurgeStatus;
  /**
   * Only jobs that reached their status more than this long before `now`:
   * finish time for done, failure time for dlq, cancel time for cancelled,
   * createdAt for ready and scheduled. Needs `now`.
   */
  olderThanMs?: number;
  /** Only jobs of this type. */
  type?: string;
  /** Remove at most this many (default: every match). */
  limit?: number;
  /** The caller's clock; required with olderThanMs. */
  now?: number;
}

export interface RequeueManyOptions {
  /** Only dead-lettered jobs of this type. */
  type?: string;
  /** Move at most this many, oldest failure first (default: all). */
  limit?: number;
  /** Set attempts back to 0 (and clear lastError and failedAt). */
  resetAttempts?: boolean;
  now: number;
}

export interface CancelSubscription {
  queues: readonly string[];
  /** Aborting it ends the subscription. */
  signal: AbortSignal;
}

/**
 * Job control: the operations an operator uses on single jobs and whole
 * queues, and the hooks the worker needs for cancel, progress and results.
 * A driver implements it beside Driver and Admin and declares it with
 * `families: ['jobControl']`. docs/driver-contract.md states each rule; the
 * testkit's job-control cases check them.
 */
export interface JobControl {
  /**
   * Cancels a job. Ready or scheduled: cancelled at once, never handed out.
   * In flight: the job gets a cancel request (shown by the next extendLease
   * and pushed to subscribeCancels listeners); the run's outcome (ack, retry,
   * fail, release) or the lease's expiry then finishes it as cancelled.
   * Finished (done, dlq, cancelled): InvalidJobStateError. Unknown:
   * JobNotFoundError. Neither error changes anything.
   */
  cancel(ref: JobRef, options: CancelOptions): Promise<CancelResult>;

  /** Deletes a job that is not in flight, with its idempotency mapping and every index entry. */
  remove(ref: JobRef): Promise<void>;

  /** Makes a scheduled job ready now (ready tail). Any other status: InvalidJobStateError. */
  promote(ref: JobRef, options: PromoteOptions): Promise<void>;

  /** Stops the queue handing out jobs (stored, so every worker obeys). Enqueue and outcomes go on. */
  pause(queue: string): Promise<void>;

  /** Lets a paused queue hand out jobs again and wakes waiting workers. */
  resume(queue: string): Promise<void>;

  /** Removes matching jobs in bounded steps; returns how many it removed. */
  purge(queue: string, options: PurgeOptions): Promise<number>;

  /** Moves matching dead-lettered jobs back to the ready tail in bounded steps; returns how many it moved. */
  requeueDlqMany(queue: string, options: RequeueManyOptions): Promise<number>;

  /** Stores a progress value (JSON text, at most MAX_PROGRESS_BYTES) on a job while the lease is valid. */
  setProgress(lease: Lease, progressJson: string, now: number): Promise<void>;

  /**
   * Resolves with the record once the job is done, dead-lettered or
   * cancelled (at once when it already is). Rejects with JobNotFoundError
   * for an unknown job (or one removed while waiting), and with the
   * signal's reason when it aborts. Waits on a wake-up, not a tight poll.
   */
  waitForFinish(ref: JobRef, signal: AbortSignal): Promise<JobRecord>;

  /**
   * Calls `onCancel` for every cancel request made for a job in flight in
   * one of the queues, by any process, until the signal aborts. Resolves
   * once listening. A push channel may miss requests (a dropped connection);
   * extendLease's `cancelRequested` is the fallback.
   */
  subscribeCancels(subscription: CancelSubscription, onCancel: (ref: JobRef) => void): Promise<void>;
}
