import { type FailUpdate, type JobRecord, RateLimitedError, type RetryPolicy, type RetryUpdate, UnrecoverableError } from '@taskharbor/core';
import { errorMessage, errorText } from './errors.js';
import { holdMsOf } from './snooze.js';

/** What to write after a failed run. */
export type FailureOutcome = { kind: 'retry'; update: RetryUpdate } | { kind: 'dead'; update: FailUpdate };

export interface FailureInput {
  record: JobRecord;
  error: unknown;
  now: number;
  retryPolicy: RetryPolicy;
  defaultMaxAttempts: number;
  /** Dead-letter without the retries that are left (a missing handler with onMissingHandler 'fail'). */
  deadNow?: string;
}

/** The runs a job may take: its own maxAttempts, or the worker's default when the record holds no valid one. */
export function maxAttemptsOf(record: JobRecord, defaultMaxAttempts: number): number {
  const own = record.maxAttempts;
  return Number.isInteger(own) && own >= 1 ? own : defaultMaxAttempts;
}

/**
 * Counts the failure and decides between another run and the dead-letter
 * queue. attempts counts recorded failures, so after the run numbered
 * maxAttempts fails, attempts == maxAttempts and the job is dead.
 */
export function decideFailure(input: FailureInput): FailureOutcome {
  const { record, error, now } = input;
  const attempts = record.attempts + 1;
  const maxAttempts = maxAttemptsOf(record, input.defaultMaxAttempts);
  const lastError = errorText(error);
  const message = errorMessage(error);
  if (error instanceof UnrecoverableError) {
    return { kind: 'dead', update: { attempts, lastError, failedAt: now, reason: `unrecoverable error on attempt ${attempts}: ${message}` } };
  }
  if (input.deadNow !== undefined) {
    return { kind: 'dead', update: { attempts, lastError, failedAt: now, reason: `${input.deadNow}: ${message}` } };
  }
  if (attempts >= maxAttempts) {
    const reason = `failed ${attempts} of ${maxAttempts} allowed attempts; last error: ${message}`;
    return { kind: 'dead', update: { attempts, lastError, failedAt: now, reason } };
  }
  const update: RetryUpdate = { attempts, lastError, failedAt: now };
  // Without flow control a RateLimitedError is a failure whose retry waits the hold it asked for.
  const holdMs = error instanceof RateLimitedError ? holdMsOf(error) : undefined;
  const runAt = holdMs !== undefined ? now + holdMs : input.retryPolicy.nextRunAt(attempts, now, error);
  if (runAt !== undefined) update.runAt = runAt;
  return { kind: 'retry', update };
}

/**
 * A job reclaimed more often than maxReclaims is dead-lettered without
 * running: its runs keep ending without an outcome (a crash, an OOM kill, a
 * blocked event loop that let the lease run out), and running it again would
 * likely take another worker down. It is not counted as an attempt, since no
 * handler failed.
 */
export function poisonUpdate(record: JobRecord, maxReclaims: number, now: number): FailUpdate {
  const reason =
    `poison job: reclaimed ${record.reclaims} times (more than maxReclaims ${maxReclaims}); ` +
    'its workers kept dying or losing the lease before finishing it, so it was dead-lettered without running';
  const update: FailUpdate = { attempts: record.attempts, failedAt: now, reason };
  if (record.lastError !== undefined) update.lastError = record.lastError;
  return update;
}
