import { ErrorCode, isTaskHarborError, TaskHarborError } from '@taskharbor/core';

/**
 * The reasons a handler's `ctx.signal` aborts with, so a handler can tell
 * them apart (`signal.reason instanceof JobTimeoutError`). Like every
 * TaskHarbor error they carry a stable code from core's ErrorCode, and
 * `instanceof` works across copies of the packages.
 */
export class JobTimeoutError extends TaskHarborError {
  static readonly brandCode = ErrorCode.JobTimeout;
  readonly jobId: string;
  readonly timeoutMs: number;
  constructor(jobId: string, timeoutMs: number) {
    super(
      ErrorCode.JobTimeout,
      `job ${jobId} timed out after ${timeoutMs} ms; the failure is recorded now, and the handler should stop on ctx.signal`,
    );
    this.jobId = jobId;
    this.timeoutMs = timeoutMs;
  }
}

/** The job's lease now belongs to someone else: stop, and expect another worker to run the job. */
export class LeaseLostError extends TaskHarborError {
  static readonly brandCode = ErrorCode.LeaseLost;
  readonly jobId: string;
  constructor(jobId: string, cause: unknown) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super(ErrorCode.LeaseLost, `lost the lease of job ${jobId} (${detail}); its outcome will not be written here`, { cause });
    this.jobId = jobId;
  }
}

/** The worker is shutting down and the grace period is over; the job goes back to its queue. */
export class WorkerShutdownError extends TaskHarborError {
  static readonly brandCode = ErrorCode.WorkerShutdown;
  readonly jobId: string;
  constructor(jobId: string, graceMs: number) {
    super(
      ErrorCode.WorkerShutdown,
      `worker shut down while job ${jobId} was still running after the ${graceMs} ms grace period; the job is released to run again`,
    );
    this.jobId = jobId;
  }
}

/** No handler is registered for the job's type in this worker. */
export class MissingHandlerError extends TaskHarborError {
  static readonly brandCode = ErrorCode.MissingHandler;
  readonly type: string;
  constructor(type: string, registered: readonly string[]) {
    const known = registered.length === 0 ? 'none' : registered.join(', ');
    super(
      ErrorCode.MissingHandler,
      `no handler registered for job type "${type}" in this worker (registered: ${known}); register one, or run a worker that has it`,
    );
    this.type = type;
  }
}

/**
 * Errors that mean the lease is no longer ours: another worker holds the job
 * now, or it has finished or vanished. Writing anything for it would be a
 * late write, so the worker stops instead of retrying.
 */
export function isLeaseError(error: unknown): boolean {
  return (
    isTaskHarborError(error, ErrorCode.LeaseMismatch) ||
    isTaskHarborError(error, ErrorCode.LeaseExpired) ||
    isTaskHarborError(error, ErrorCode.JobNotInFlight) ||
    isTaskHarborError(error, ErrorCode.JobNotFound)
  );
}

/** Turns anything thrown into an Error, so events and logs always get one. */
export function toError(value: unknown): Error {
  if (value instanceof Error) return value;
  return new Error(`non-Error value thrown: ${describe(value)}`, { cause: value });
}

function describe(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    const json = JSON.stringify(value);
    if (json !== undefined) return json;
  } catch {
    // A cycle or a BigInt: fall back to String below.
  }
  return String(value);
}

/**
 * The text stored as lastError: the message and the stack, and the causes
 * after them, so an operator inspecting a dead job sees where it failed.
 */
export function errorText(value: unknown): string {
  if (!(value instanceof Error)) return describe(value);
  const parts: string[] = [];
  let current: unknown = value;
  for (let depth = 0; current !== undefined && depth < 5; depth++) {
    if (!(current instanceof Error)) {
      parts.push(`Caused by: ${describe(current)}`);
      break;
    }
    const head = `${current.name}: ${current.message}`;
    const stack = current.stack ?? head;
    // V8 stacks start with "Name: message"; others (or edited stacks) may not.
    const text = stack.startsWith(head) ? stack : `${head}\n${stack}`;
    parts.push(depth === 0 ? text : `Caused by: ${text}`);
    current = current.cause;
  }
  return parts.join('\n');
}

/** The first line of an error, for reasons and log lines. */
export function errorMessage(value: unknown): string {
  return value instanceof Error ? value.message : describe(value);
}
