/** Stable codes of every error the behaviour contract names. */
export const ErrorCode = {
  LeaseMismatch: 'LEASE_MISMATCH',
  LeaseExpired: 'LEASE_EXPIRED',
  JobNotInFlight: 'JOB_NOT_IN_FLIGHT',
  InvalidLeaseDuration: 'INVALID_LEASE_DURATION',
  Validation: 'VALIDATION',
  DriverClosed: 'DRIVER_CLOSED',
  JobNotFound: 'JOB_NOT_FOUND',
  Unrecoverable: 'UNRECOVERABLE',
  JobTimeout: 'JOB_TIMEOUT',
  LeaseLost: 'LEASE_LOST',
  WorkerShutdown: 'WORKER_SHUTDOWN',
  MissingHandler: 'MISSING_HANDLER',
  OutcomeUnknown: 'OUTCOME_UNKNOWN',
  JobCancelled: 'JOB_CANCELLED',
  InvalidJobState: 'INVALID_JOB_STATE',
  WaitTimeout: 'WAIT_TIMEOUT',
  Unsupported: 'UNSUPPORTED',
  ScheduleNotFound: 'SCHEDULE_NOT_FOUND',
  RateLimited: 'RATE_LIMITED',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const BRAND = Symbol.for('taskharbor.error');

function hasCode(value: unknown, code: string | undefined): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const brand = (value as Record<symbol, unknown>)[BRAND];
  if (brand !== true) return false;
  return code === undefined || (value as { code?: unknown }).code === code;
}

/**
 * Base of every TaskHarbor error. `instanceof` works by code rather than by
 * class identity, so it holds when two copies of core are loaded (ESM and
 * CJS, or two versions in one app).
 */
export class TaskHarborError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
    Object.defineProperty(this, BRAND, { value: true, enumerable: false });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the subclass being tested against; its own brandCode decides the match.
    const code = (this as { brandCode?: string }).brandCode;
    return hasCode(value, code);
  }
}

function formatTime(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return String(ms);
  return new Date(ms).toISOString();
}

/** The token presented is not the job's current one: another caller holds or held the job. */
export class LeaseMismatchError extends TaskHarborError {
  static readonly brandCode = ErrorCode.LeaseMismatch;
  readonly jobId: string;
  constructor(jobId: string, detail = 'the token is not the current one') {
    super(
      ErrorCode.LeaseMismatch,
      `lease mismatch for job ${jobId}: ${detail}; the job belongs to another worker now, so this outcome is not written`,
    );
    this.jobId = jobId;
  }
}

/** The lease presented ran out before the call. */
export class LeaseExpiredError extends TaskHarborError {
  static readonly brandCode = ErrorCode.LeaseExpired;
  readonly jobId: string;
  readonly expiresAt: number;
  readonly now: number;
  constructor(jobId: string, expiresAt: number, now: number) {
    super(
      ErrorCode.LeaseExpired,
      `lease expired for job ${jobId} at ${formatTime(now)} (expired ${formatTime(expiresAt)}); the job may already run elsewhere`,
    );
    this.jobId = jobId;
    this.expiresAt = expiresAt;
    this.now = now;
  }
}

/** The job is not reserved by anyone (ready, scheduled, or finished for this operation). */
export class JobNotInFlightError extends TaskHarborError {
  static readonly brandCode = ErrorCode.JobNotInFlight;
  readonly jobId: string;
  readonly status: string | undefined;
  constructor(jobId: string, status: string | undefined) {
    super(
      ErrorCode.JobNotInFlight,
      `job ${jobId} is not in flight (status ${status ?? 'unknown'}); only a reserved job can take this operation`,
    );
    this.jobId = jobId;
    this.status = status;
  }
}

/** A lease duration that is not a positive finite number of milliseconds. */
export class InvalidLeaseDurationError extends TaskHarborError {
  static readonly brandCode = ErrorCode.InvalidLeaseDuration;
  constructor(leaseMs: unknown) {
    super(
      ErrorCode.InvalidLeaseDuration,
      `invalid lease duration ${String(leaseMs)}: pass a positive, finite number of milliseconds`,
    );
  }
}

/** Input that breaks a rule of the contract; nothing was written. */
export class ValidationError extends TaskHarborError {
  static readonly brandCode = ErrorCode.Validation;
  readonly field: string;
  constructor(field: string, problem: string, options?: { cause?: unknown }) {
    super(ErrorCode.Validation, `invalid ${field}: ${problem}`, options);
    this.field = field;
  }
}

/** The driver was closed; open a new one. */
export class DriverClosedError extends TaskHarborError {
  static readonly brandCode = ErrorCode.DriverClosed;
  constructor(operation: string) {
    super(ErrorCode.DriverClosed, `driver is closed: cannot ${operation}; create a new driver`);
  }
}

/** No job with that id in that queue (never enqueued, or removed by retention). */
export class JobNotFoundError extends TaskHarborError {
  static readonly brandCode = ErrorCode.JobNotFound;
  readonly jobId: string;
  readonly queue: string;
  constructor(queue: string, jobId: string) {
    super(
      ErrorCode.JobNotFound,
      `job ${jobId} not found in queue ${queue}; it was never enqueued there or retention removed it`,
    );
    this.jobId = jobId;
    this.queue = queue;
  }
}

/**
 * Thrown by a handler to dead-letter its job at once, without the retries
 * that are left.
 */
export class UnrecoverableError extends TaskHarborError {
  static readonly brandCode = ErrorCode.Unrecoverable;
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.Unrecoverable, message, options);
  }
}

/**
 * A state-changing call whose reply was lost (a dropped connection or a
 * timeout): it may or may not have taken effect, and drivers never resend it
 * on their own. The worker reports it and lets the job's lease decide.
 */
export class OutcomeUnknownError extends TaskHarborError {
  static readonly brandCode = ErrorCode.OutcomeUnknown;
  readonly operation: string;
  constructor(operation: string, message: string, options?: { cause?: unknown }) {
    super(ErrorCode.OutcomeUnknown, message, options);
    this.operation = operation;
  }
}

/**
 * An operator cancelled the job. A running handler sees it as the reason of
 * `ctx.signal`; the job ends as cancelled whatever the handler does then.
 */
export class JobCancelledError extends TaskHarborError {
  static readonly brandCode = ErrorCode.JobCancelled;
  readonly jobId: string;
  readonly reason: string | undefined;
  constructor(jobId: string, reason?: string) {
    super(ErrorCode.JobCancelled, `job ${jobId} was cancelled${reason ? `: ${reason}` : ''}`);
    this.jobId = jobId;
    this.reason = reason;
  }
}

/**
 * The job exists but its status does not allow the operation (cancel of a
 * finished job, remove of a job in flight, promote of a job that is not
 * scheduled). Nothing was changed.
 */
export class InvalidJobStateError extends TaskHarborError {
  static readonly brandCode = ErrorCode.InvalidJobState;
  readonly jobId: string;
  readonly status: string;
  readonly operation: string;
  constructor(jobId: string, status: string, operation: string, hint: string) {
    super(ErrorCode.InvalidJobState, `cannot ${operation} job ${jobId}: it is ${status}; ${hint}`);
    this.jobId = jobId;
    this.status = status;
    this.operation = operation;
  }
}

/** client.waitFor gave up: the job had not finished within timeoutMs. */
export class WaitTimeoutError extends TaskHarborError {
  static readonly brandCode = ErrorCode.WaitTimeout;
  readonly jobId: string;
  readonly timeoutMs: number;
  constructor(jobId: string, timeoutMs: number) {
    super(ErrorCode.WaitTimeout, `job ${jobId} did not finish within ${timeoutMs} ms; it may still run, wait again or inspect it`);
    this.jobId = jobId;
    this.timeoutMs = timeoutMs;
  }
}

/** The driver does not implement the family of operations this call needs (for example job control). */
export class UnsupportedOperationError extends TaskHarborError {
  static readonly brandCode = ErrorCode.Unsupported;
  readonly family: string;
  readonly operation: string;
  constructor(family: string, operation: string) {
    super(
      ErrorCode.Unsupported,
      `cannot ${operation}: this driver does not implement ${family}; use a driver that declares it in its families (every TaskHarbor driver does)`,
    );
    this.family = family;
    this.operation = operation;
  }
}

/** No schedule of that name is stored (never made, or unscheduled). */
export class ScheduleNotFoundError extends TaskHarborError {
  static readonly brandCode = ErrorCode.ScheduleNotFound;
  readonly schedule: string;
  constructor(name: string) {
    super(ErrorCode.ScheduleNotFound, `schedule ${name} not found; it was never made or was unscheduled (admin.schedules() lists them)`);
    this.schedule = name;
  }
}

/**
 * Thrown by a handler whose job hit a rate limit outside (an HTTP 429, say):
 * on a driver with flow control the worker puts the job back without
 * counting a failure and holds back its group, or its whole queue when the
 * job has no group, for `ms` on every worker. On a driver without flow
 * control it counts as an ordinary failure, retried after `ms`.
 */
export class RateLimitedError extends TaskHarborError {
  static readonly brandCode = ErrorCode.RateLimited;
  /** How long to hold the group or queue back, in milliseconds (a positive integer). */
  readonly ms: number;
  constructor(ms: number, message?: string, options?: { cause?: unknown }) {
    super(ErrorCode.RateLimited, message ?? `rate limited; hold back for ${ms} ms`, options);
    this.ms = ms;
  }
}

/** True when the value is a TaskHarbor error, optionally of one code. */
export function isTaskHarborError(value: unknown, code?: ErrorCode): value is TaskHarborError {
  return hasCode(value, code);
}
