import {
  type FailUpdate,
  JOB_STATUSES,
  type JobRef,
  type JobStatus,
  type ListRequest,
  type RequeueOptions,
  type ReserveRequest,
  type RetryUpdate,
  ValidationError,
  validateCount,
  validateErrorText,
  validateLeaseMs,
  validateLimit,
  validateName,
  validateNow,
  validateTime,
  type WaitForWorkRequest,
} from '@taskharbor/core';

/** The largest page list hands out. */
export const MAX_LIST_LIMIT = 1000;

function requireObject(field: string, value: unknown): void {
  if (typeof value !== 'object' || value === null) throw new ValidationError(field, 'expected an object');
}

export function checkReserveRequest(request: ReserveRequest): void {
  requireObject('request', request);
  validateName('queue', request.queue);
  validateLimit(request.limit);
  validateLeaseMs(request.leaseMs);
  validateNow(request.now);
}

export function checkRef(ref: JobRef): void {
  requireObject('ref', ref);
  validateName('queue', ref.queue);
  validateName('id', ref.id);
}

export function checkRetryUpdate(update: RetryUpdate): void {
  requireObject('update', update);
  validateCount('attempts', update.attempts, 0);
  validateErrorText('lastError', update.lastError);
  validateTime('failedAt', update.failedAt);
  if (update.runAt !== undefined) validateTime('runAt', update.runAt);
}

export function checkFailUpdate(update: FailUpdate): void {
  requireObject('update', update);
  validateCount('attempts', update.attempts, 0);
  validateErrorText('lastError', update.lastError);
  validateTime('failedAt', update.failedAt);
  if (typeof update.reason !== 'string') throw new ValidationError('reason', 'expected a string');
}

export function checkListRequest(request: ListRequest): void {
  requireObject('request', request);
  validateName('queue', request.queue);
  if (request.status !== undefined && !JOB_STATUSES.includes(request.status as JobStatus)) {
    throw new ValidationError('status', `expected one of ${JOB_STATUSES.join(', ')}, got ${String(request.status)}`);
  }
  const { limit } = request;
  // Number.isInteger is false for anything that is not a number.
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) {
    throw new ValidationError('limit', `expected an integer from 1 to ${MAX_LIST_LIMIT}, got ${String(limit)}`);
  }
}

export function checkRequeueOptions(options: RequeueOptions): void {
  requireObject('options', options);
  validateNow(options.now);
  if (options.runAt !== undefined) validateTime('runAt', options.runAt);
  if (options.resetAttempts !== undefined && typeof options.resetAttempts !== 'boolean') {
    throw new ValidationError('resetAttempts', 'expected a boolean');
  }
}

export function checkWaitRequest(request: WaitForWorkRequest): void {
  requireObject('request', request);
  if (!Array.isArray(request.queues)) throw new ValidationError('queues', 'expected an array of queue names');
  for (const queue of request.queues) validateName('queues', queue);
  // Duck-typed rather than instanceof, so a signal from another realm or a polyfill is accepted.
  const signal = request.signal as Partial<AbortSignal> | null | undefined;
  if (typeof signal?.aborted !== 'boolean' || typeof signal.addEventListener !== 'function') {
    throw new ValidationError('signal', 'expected an AbortSignal');
  }
}

export function checkArray(field: string, value: unknown): void {
  if (!Array.isArray(value)) throw new ValidationError(field, 'expected an array');
}
