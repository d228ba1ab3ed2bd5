import type { JobRecord, JobRef, JobStatus } from './job.js';

export interface ListRequest {
  queue: string;
  /** Only jobs in this status; unset lists every status. */
  status?: JobStatus;
  /** Only jobs of this type; unset lists every type. */
  type?: string;
  /** Page size, 1 to 1,000. */
  limit: number;
  /** The `nextCursor` of the previous page; unset for the first page. */
  cursor?: string;
}

export interface ListPage {
  jobs: JobRecord[];
  /** Pass it to get the next page; unset on the last page. */
  nextCursor?: string;
}

export interface RequeueOptions {
  /** Set attempts back to 0 (and clear lastError and failedAt). */
  resetAttempts?: boolean;
  /** Run no earlier than this epoch millisecond; unset means runnable now. */
  runAt?: number;
  now: number;
}

export type StatusCounts = Record<JobStatus, number>;

/** What counts answers: the jobs in each status, and whether the queue is paused (drivers with job control). */
export type QueueCounts = StatusCounts & {
  /** True while the queue is paused (job control); drivers without job control leave it out. */
  paused?: boolean;
};

/**
 * Operator access to stored jobs. Every driver implements it beside Driver;
 * the CLI and the testkit use it.
 */
export interface Admin {
  /** The job as stored, or undefined when no such job is in that queue. */
  inspect(ref: JobRef): Promise<JobRecord | undefined>;

  /**
   * Pages through a queue's jobs. A job that keeps its status while others
   * are added or removed appears exactly once across the pages.
   */
  list(request: ListRequest): Promise<ListPage>;

  /**
   * Moves a dead-lettered job back to ready (or scheduled for runAt). Fails
   * with JobNotFoundError for an unknown job and with ValidationError (field
   * `status`) when the job is not dead-lettered; neither changes anything.
   */
  requeueDlq(ref: JobRef, options: RequeueOptions): Promise<void>;

  /** The number of jobs in each status in one queue, and whether it is paused. */
  counts(queue: string): Promise<QueueCounts>;

  /** Every queue that holds or held a job, sorted by name. */
  queues(): Promise<string[]>;
}

/**
 * Retention of finished jobs. Done and cancelled jobs follow the done rules
 * (each status counted on its own); dead-lettered jobs follow the dead rules,
 * which keep everything unless set.
 */
export interface RetentionOptions {
  /** Keep at most this many done jobs per queue (oldest removed first); the same bound applies to cancelled jobs. */
  maxDoneCount?: number;
  /** Remove done (and cancelled) jobs whose finish time is more than this long before `now`. */
  maxDoneAgeMs?: number;
  /** Keep at most this many dead-lettered jobs per queue (oldest removed first). Default Infinity: keep all. */
  maxDeadCount?: number;
  /** Remove dead-lettered jobs that failed more than this long before `now`. Default Infinity: keep all. */
  maxDeadAgeMs?: number;
}

/**
 * Kept unless a driver is told otherwise: the last 1,000 done (and 1,000
 * cancelled) jobs per queue, for at most a day; every dead-lettered job.
 */
export const DEFAULT_RETENTION: Required<RetentionOptions> = {
  maxDoneCount: 1000,
  maxDoneAgeMs: 24 * 60 * 60 * 1000,
  maxDeadCount: Number.POSITIVE_INFINITY,
  maxDeadAgeMs: Number.POSITIVE_INFINITY,
};
