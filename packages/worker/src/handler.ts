import type { Job, JobMap, Lease } from '@taskharbor/core';
import type { JobLogger } from './logger.js';

/**
 * A job of any type in the map, narrowed by its `type`:
 * `if (job.type === 'email.send') job.payload.to`.
 */
export type AnyJob<Jobs extends JobMap = JobMap> = {
  [Type in keyof Jobs & string]: Job<Jobs[Type]> & { type: Type };
}[keyof Jobs & string];

/** What a handler gets besides the job. */
export interface JobContext {
  /**
   * Aborts when the job times out, when its lease is lost, when it is
   * cancelled, and when the worker shuts down after its grace period.
   * `signal.reason` says which (JobTimeoutError, LeaseLostError,
   * JobCancelledError, WorkerShutdownError). Pass it on to fetch, database
   * drivers and timers so a stopped job stops its work.
   */
  readonly signal: AbortSignal;
  /** The job's current lease. */
  readonly lease: Lease;
  /**
   * Extends the lease to `ms` from now (default the worker's leaseMs), and
   * keeps it that long at later heartbeats. Values below leaseMs are raised
   * to it, since the heartbeat is paced for leaseMs. Rejects with the
   * driver's lease error when the lease is already lost (and then aborts
   * the signal), or with a LeaseLostError when the job is no longer running
   * here.
   */
  extendLease(ms?: number): Promise<Lease>;
  /**
   * Stores a small JSON value (at most MAX_PROGRESS_BYTES as JSON text) on
   * the job, shown by inspect, and emits the worker's `progress` event.
   * Rejects with UnsupportedOperationError on a driver without job control,
   * a ValidationError for a value that is not JSON or too large, and the
   * driver's lease error when the lease is no longer ours.
   */
  progress(value: unknown): Promise<void>;
  /**
   * Ends the run now and runs the job again `ms` milliseconds later,
   * without counting a failure (the record's `snoozes` count goes up). It
   * throws, so code after it does not run; the run ends snoozed even if the
   * handler catches that. Throws UnsupportedOperationError on a driver
   * without flow control and ValidationError for an `ms` that is not a
   * positive integer (both ordinary failures of the run).
   */
  snooze(ms: number): never;
  /** Log lines stamped with the job's id, type, queue and attempt. */
  readonly log: JobLogger;
}

/**
 * Runs one job. Resolve for success: a value other than undefined is the
 * job's result, encoded with the worker's codec and stored with the done
 * job (on a driver with job control); throw or reject for a
 * failure that is retried with backoff; throw an UnrecoverableError to
 * dead-letter the job at once.
 */
export type Handler<Payload = unknown, Type extends string = string> = (
  job: Job<Payload> & { type: Type },
  ctx: JobContext,
) => unknown;

/**
 * Wraps every handler. Call `next()` to run the rest of the chain and the
 * handler; skip it to short-circuit (resolving counts as success, throwing as
 * failure). Middleware run in the order they were added, the first outermost.
 *
 * @example
 * worker.use(async (job, ctx, next) => {
 *   const start = performance.now();
 *   try { await next(); } finally { metrics.observe(job.type, performance.now() - start); }
 * });
 */
export type Middleware<Jobs extends JobMap = JobMap> = (
  job: AnyJob<Jobs>,
  ctx: JobContext,
  next: () => Promise<void>,
) => unknown;
