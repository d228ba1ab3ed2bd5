import type { ListRequest, RequeueOptions } from './admin.js';
import type { CancelOptions, PurgeOptions, RequeueManyOptions } from './job-control.js';
import { MAX_PROGRESS_BYTES, MAX_RESULT_BYTES } from './limits.js';
import type { FailUpdate, ReserveRequest, RetryUpdate, WaitForWorkRequest } from './driver.js';
import { ValidationError } from './errors.js';
import { JOB_STATUSES, type JobRef, type JobStatus } from './job.js';
import {
  validateCount,
  validateErrorText,
  validateLeaseMs,
  validateLimit,
  validateName,
  validateNow,
  validateTime,
} from './validate.js';

/**
 * Checks of the argument shapes of driver and admin methods. Drivers call
 * them first, so every driver rejects the same input with the same error
 * before anything is written.
 */

/** The largest page list hands out. */
export const MAX_LIST_LIMIT = 1000;

function requireObject(field: string, value: unknown): void {
  if (typeof value !== 'object' || value === null) throw new ValidationError(field, 'expected an object');
}

/** An array argument, such as the jobs of enqueueMany or the leases of a batch call. */
export function validateArray(field: string, value: unknown): void {
  if (!Array.isArray(value)) throw new ValidationError(field, 'expected an array');
}

export function validateReserveRequest(request: ReserveRequest): void {
  requireObject('request', request);
  validateName('queue', request.queue);
  validateLimit(request.limit);
  validateLeaseMs(request.leaseMs);
  validateNow(request.now);
}

export function validateJobRef(ref: JobRef): void {
  requireObject('ref', ref);
  validateName('queue', ref.queue);
  validateName('id', ref.id);
}

export function validateRetryUpdate(update: RetryUpdate): void {
  requireObject('update', update);
  validateCount('attempts', update.attempts, 0);
  validateErrorText('lastError', update.lastError);
  validateTime('failedAt', update.failedAt);
  if (update.runAt !== undefined) validateTime('runAt', update.runAt);
}

export function validateFailUpdate(update: FailUpdate): void {
  requireObject('update', update);
  validateCount('attempts', update.attempts, 0);
  validateErrorText('lastError', update.lastError);
  validateTime('failedAt', update.failedAt);
  if (typeof update.reason !== 'string') throw new ValidationError('reason', 'expected a string');
}

export function validateListRequest(request: ListRequest): void {
  requireObject('request', request);
  validateName('queue', request.queue);
  if (request.status !== undefined && !JOB_STATUSES.includes(request.status as JobStatus)) {
    throw new ValidationError('status', `expected one of ${JOB_STATUSES.join(', ')}, got ${String(request.status)}`);
  }
  if (request.type !== undefined) validateName('type', request.type);
  const { limit } = request;
  // Number.isInteger is false for anything that is not a number.
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) {
    throw new ValidationError('limit', `expected an integer from 1 to ${MAX_LIST_LIMIT}, got ${String(limit)}`);
  }
}

export function validateRequeueOptions(options: RequeueOptions): void {
  requireObject('options', options);
  validateNow(options.now);
  if (options.runAt !== undefined) validateTime('runAt', options.runAt);
  if (options.resetAttempts !== undefined && typeof options.resetAttempts !== 'boolean') {
    throw new ValidationError('resetAttempts', 'expected a boolean');
  }
}

export function validateWaitRequest(request: WaitForWorkRequest): void {
  requireObject('request', request);
  if (!Array.isArray(request.queues)) throw new ValidationError('queues', 'expected an array of queue names');
  for (const queue of request.queues) validateName('queues', queue);
  // Duck-typed rather than instanceof, so a signal from another realm or a polyfill is accepted.
  const signal = request.signal as Partial<AbortSignal> | null | undefined;
  if (typeof signal?.aborted !== 'boolean' || typeof signal.addEventListener !== 'function') {
    throw new ValidationError('signal', 'expected an AbortSignal');
  }
  if (request.handoff !== undefined) {
    requireObject('handoff', request.handoff);
    validateLeaseMs(request.handoff.leaseMs);
  }
}

/** A queue name given on its own (pause, resume, purge, requeueDlqMany). */
export function validateQueueName(queue: unknown): asserts queue is string {
  validateName('queue', queue);
}

export function validateCancelOptions(options: CancelOptions): void {
  requireObject('options', options);
  validateNow(options.now);
  if (options.reason !== undefined) validateErrorText('reason', options.reason);
}

const PURGE_STATUSES: readonly string[] = JOB_STATUSES.filter((status) => status !== 'inflight');

function validateOptionalLimit(limit: unknown): void {
  if (limit === undefined) return;
  if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 1) {
    throw new ValidationError('limit', `expected a positive integer, got ${String(limit)}`);
  }
}

export function validatePurgeOptions(options: PurgeOptions): void {
  requireObject('options', options);
  if (!PURGE_STATUSES.includes(options.status)) {
    const hint = (options.status as string) === 'inflight' ? '; jobs in flight are never purged, cancel them first' : '';
    throw new ValidationError('status', `expected one of ${PURGE_STATUSES.join(', ')}, got ${String(options.status)}${hint}`);
  }
  if (options.type !== undefined) validateName('type', options.type);
  validateOptionalLimit(options.limit);
  if (options.now !== undefined) validateNow(options.now);
  if (options.olderThanMs !== undefined) {
    validateTime('olderThanMs', options.olderThanMs);
    if (options.now === undefined) throw new ValidationError('now', 'olderThanMs needs now, the caller\'s clock');
  }
}

export function validateRequeueManyOptions(options: RequeueManyOptions): void {
  requireObject('options', options);
  validateNow(options.now);
  if (options.type !== undefined) validateName('type', options.type);
  validateOptionalLimit(options.limit);
  if (options.resetAttempts !== undefined && typeof options.resetAttempts !== 'boolean') {
    throw new ValidationError('resetAttempts', 'expected a boolean');
  }
}

const utf8 = new TextEncoder();

/** A progress value as JSON text, at most MAX_PROGRESS_BYTES of UTF-8. */
export function validateProgressJson(progressJson: unknown): asserts progressJson is string {
  if (typeof progressJson !== 'string') throw new ValidationError('progress', 'expected JSON text');
  const bytes = utf8.encode(progressJson).byteLength;
  if (bytes > MAX_PROGRESS_BYTES) {
    throw new ValidationError('progress', `${bytes} bytes of JSON is over the ${MAX_PROGRESS_BYTES}-byte limit; report a smaller value`);
  }
  try {
    JSON.parse(progressJson);
  } catch (cause) {
    throw new ValidationError('progress', 'not valid JSON', { cause });
  }
}

/** A handler result as the codec encoded it, at most MAX_RESULT_BYTES. */
export function validateResult(result: unknown): asserts result is Uint8Array | undefined {
  if (result === undefined) return;
  if (!(result instanceof Uint8Array)) throw new ValidationError('result', 'expected the encoded bytes (a Uint8Array)');
  if (result.byteLength > MAX_RESULT_BYTES) {
    throw new ValidationError(
      'result',
      `${result.byteLength} bytes is over the ${MAX_RESULT_BYTES}-byte limit; store large results elsewhere and return a reference`,
    );
  }
}
