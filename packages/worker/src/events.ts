import type { Job, JobRecord, Lease } from '@taskharbor/core';

/**
 * The events a Worker emits, each with one payload object. `job` is the
 * handler's view of the job (a payload the codec could not decode appears
 * as its raw bytes).
 */
export interface WorkerEvents {
  /** A handler is about to run. */
  active: { job: Job<unknown>; lease: Lease };
  /** The handler succeeded and the ack was written. */
  completed: { job: Job<unknown>; durationMs: number };
  /**
   * The job was cancelled while it ran: its signal was aborted with a
   * JobCancelledError, the handler settled (however it ended) and the outcome
   * that finishes the job as cancelled was written. Comes instead of
   * completed or failed; the job is never retried or dead-lettered.
   */
  cancelled: { job: Job<unknown>; durationMs: number };
  /** The handler reported progress with ctx.progress and the driver stored it. */
  progress: { job: Job<unknown>; progress: unknown };
  /**
   * A run failed: the handler threw or rejected, timed out, returned a
   * result that cannot be stored, the payload could not be decoded, or no
   * handler exists. `retrying` or `dead` follows
   * once the outcome is written.
   */
  failed: { job: Job<unknown>; error: Error; attempts: number; willRetry: boolean; durationMs: number };
  /** A retry was written: the job runs again at `runAt` (unset: at once). */
  retrying: { job: Job<unknown>; error: Error; attempts: number; runAt: number | undefined };
  /** The handler called ctx.snooze and the job was put back for `runAt`; no failure was counted. */
  snoozed: { job: Job<unknown>; runAt: number; durationMs: number };
  /**
   * The handler threw a RateLimitedError on a driver with flow control: the
   * job was put back without counting a failure, and its group (or its queue,
   * for a job without a group) is held back until `until` on every worker.
   */
  rateLimited: { job: Job<unknown>; until: number; scope: 'queue' | 'group'; durationMs: number };
  /** The job was dead-lettered (after its last attempt, an unrecoverable error, a missing handler with onMissingHandler 'fail', or as poison). */
  dead: { job: Job<unknown>; record: JobRecord; reason: string; attempts: number; error: Error | undefined };
  /**
   * The lease is no longer ours: another worker may run the job. The
   * handler's signal was aborted (if it still ran) and no outcome is written.
   */
  leaseLost: { job: Job<unknown>; lease: Lease; error: Error; during: 'heartbeat' | 'extendLease' | 'outcome' | 'release' | 'schedule' };
  /**
   * Something failed that the worker survives: a reserve, a heartbeat or an
   * outcome whose reply was lost, a throwing listener. `during` names it.
   */
  error: { error: Error; during: ErrorSource; jobId?: string; queue?: string };
  /** Every queue was found empty and no handler is running; once each time the worker becomes idle. */
  drained: Record<string, never>;
}

export type ErrorSource =
  | 'reserve'
  | 'waitForWork'
  | 'heartbeat'
  | 'extendLease'
  | 'ack'
  | 'retry'
  | 'fail'
  | 'release'
  | 'snooze'
  | 'holdBack'
  | 'listener'
  | 'run'
  | 'subscribeCancels'
  | 'schedule'
  | 'schedules';

export type WorkerEventName = keyof WorkerEvents;
