/** Where a job stands. A job is in exactly one of these at a time. */
export type JobStatus = 'ready' | 'scheduled' | 'inflight' | 'done' | 'dlq' | 'cancelled';

export const JOB_STATUSES: readonly JobStatus[] = ['ready', 'scheduled', 'inflight', 'done', 'dlq', 'cancelled'];

/** The statuses a job never leaves on its own: done, dead-lettered (until requeued) and cancelled. */
export const FINISHED_STATUSES: readonly JobStatus[] = ['done', 'dlq', 'cancelled'];

/** One recorded failure in a job's error history. */
export interface JobErrorEntry {
  /** The attempts count the failure brought the job to (1 for the first failure). */
  attempt: number;
  /** The error text, cut like lastError; empty when the failure gave none. */
  message: string;
  /** When the failure was recorded (the failedAt of its retry or fail). */
  at: number;
}

/**
 * What a client hands to a driver's enqueue: a job that has been validated
 * and encoded but not stored yet. Every time is an integer epoch millisecond.
 */
export interface NewJobRecord {
  id: string;
  type: string;
  queue: string;
  /** The payload as the codec encoded it. Drivers store these bytes exactly. */
  payload: Uint8Array;
  /** When the job becomes runnable; unset means at once. */
  runAt?: number;
  /** How long one run may take before the worker aborts it; unset means no limit. */
  timeoutMs?: number;
  createdAt: number;
  /** How many runs are allowed before the job is dead-lettered. */
  maxAttempts: number;
  idempotencyKey?: string;
  /** The schedule that made the job (schedules family); set together with scheduledFor. */
  schedule?: string;
  /** The tick the job was made for (schedules family): the time the schedule named, or the moment of a manual trigger. */
  scheduledFor?: number;
  /** Lower runs first, FIFO within one priority (flow control). Unset means 0; drivers store nothing for 0. */
  priority?: number;
  /** The job's group, such as a tenant id: reserve serves groups in turn (flow control). */
  group?: string;
  /**
   * String headers carried unchanged from enqueue to the handler, such as a
   * W3C traceparent (observability). Drivers store nothing for an empty map.
   */
  meta?: Record<string, string>;
}

/** The lease part of a stored job: kept while in flight, and the last one kept once finished. */
export interface LeaseState {
  token: string;
  /** Unset once the job has finished: a finished job keeps only its last token. */
  expiresAt?: number;
}

/** The stored form of a job, as inspect and list show it. */
export interface JobRecord extends NewJobRecord {
  status: JobStatus;
  /** Recorded failures. */
  attempts: number;
  /** How many times an expired lease was taken back from a worker. */
  reclaims: number;
  lastError?: string;
  failedAt?: number;
  lease?: LeaseState;
  /** When the job was acked (status done). */
  finishedAt?: number;
  /** Why the job was dead-lettered (status dlq). */
  dlqReason?: string;
  /** When the job was dead-lettered (status dlq). */
  dlqFailedAt?: number;
  /** The last failures, oldest first, newest last (at most the driver's error history size, default 10). Unset before the first failure. */
  errors?: JobErrorEntry[];
  /** The last value the handler reported with ctx.progress (a JSON value). */
  progress?: unknown;
  /** The handler's return value as the worker's codec encoded it (status done). Unset when the handler returned undefined. */
  result?: Uint8Array;
  /** When a cancel was asked for the job while it ran (status inflight until its run settles, then cancelled). */
  cancelRequestedAt?: number;
  /** When the job was cancelled (status cancelled). */
  cancelledAt?: number;
  /** The reason the cancel gave, if any (status cancelled, or inflight with a cancel request). */
  cancelReason?: string;
  /** How many times a run ended with ctx.snooze (flow control). Unset before the first snooze. */
  snoozes?: number;
}

/**
 * The proof that one caller holds a job for a while. Every later operation
 * on a reserved job presents it.
 */
export interface Lease {
  jobId: string;
  queue: string;
  token: string;
  expiresAt: number;
  /**
   * Set on a lease returned by extendLease or extendLeases when an operator
   * asked to cancel the job meanwhile (job control): the worker aborts the
   * run, and its outcome, whatever it is, finishes the job as cancelled.
   */
  cancelRequested?: true;
}

/** One job handed out by reserve, with its lease. */
export interface ReservedJob {
  job: JobRecord;
  lease: Lease;
}

/** The handler's view of a job: the payload decoded and the attempt numbered. */
export interface Job<Payload = unknown> {
  id: string;
  type: string;
  queue: string;
  payload: Payload;
  /** 1 on the first run, 2 after one recorded failure, and so on. */
  attempt: number;
  maxAttempts: number;
  createdAt: number;
  runAt?: number;
  timeoutMs?: number;
  reclaims: number;
  idempotencyKey?: string;
  lastError?: string;
  /** The schedule that made the job, if a schedule did. */
  schedule?: string;
  /** The tick the schedule made the job for (an epoch millisecond). */
  scheduledFor?: number;
  /** The job's priority, when it is not 0. */
  priority?: number;
  /** The job's group, if it has one. */
  group?: string;
  /** The headers the job was enqueued with (`{}` when none), such as a W3C traceparent. */
  meta: Readonly<Record<string, string>>;
  /** How many earlier runs ended with ctx.snooze (0 when none). */
  snoozes: number;
}

/** Addresses a stored job for admin operations. */
export interface JobRef {
  queue: string;
  id: string;
}
