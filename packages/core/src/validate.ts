import { validateMeta } from './validate-observability.js';
import { InvalidLeaseDurationError, ValidationError } from './errors.js';
import type { Lease, NewJobRecord } from './job.js';
import {
  MAX_ERROR_LENGTH,
  MAX_GROUP_NAME_LENGTH,
  MAX_NAME_LENGTH,
  MAX_PAYLOAD_BYTES,
  MAX_PRIORITY,
  MAX_SCHEDULE_NAME_LENGTH,
  MAX_TIME_MS,
  MIN_PRIORITY,
} from './limits.js';

/**
 * Characters a name may not hold. Braces would break a Redis Cluster hash
 * tag, and control characters and whitespace make names that operators
 * cannot type; the same rule holds on every driver so that a job accepted by
 * one is accepted by all.
 */
const FORBIDDEN_NAME_CHARS = /[{}\s\p{Cc}]/u;

/** Checks a job type, queue name, job id or idempotency key. */
export function validateName(field: string, value: unknown): asserts value is string {
  if (typeof value !== 'string') throw new ValidationError(field, `expected a string, got ${typeof value}`);
  if (value.length === 0) throw new ValidationError(field, 'must not be empty');
  if (value.length > MAX_NAME_LENGTH) {
    throw new ValidationError(field, `longer than ${MAX_NAME_LENGTH} characters (${value.length})`);
  }
  if (FORBIDDEN_NAME_CHARS.test(value)) {
    throw new ValidationError(field, `${JSON.stringify(value)} holds a brace, whitespace or control character`);
  }
  if (!value.isWellFormed()) throw new ValidationError(field, 'holds a lone surrogate');
}

/** Checks an epoch-millisecond time: an integer from 0 to MAX_TIME_MS. */
export function validateTime(field: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_TIME_MS) {
    throw new ValidationError(field, `expected an integer epoch millisecond from 0 to ${MAX_TIME_MS}, got ${String(value)}`);
  }
}

/** Checks a duration in milliseconds: a positive integer no larger than MAX_TIME_MS. */
export function validateDuration(field: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0 || value > MAX_TIME_MS) {
    throw new ValidationError(field, `expected a positive integer number of milliseconds, got ${String(value)}`);
  }
}

/** Checks a count such as attempts: an integer from min to 2^31 - 1. */
export function validateCount(field: string, value: unknown, min: number): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > 2 ** 31 - 1) {
    throw new ValidationError(field, `expected an integer from ${min} to ${2 ** 31 - 1}, got ${String(value)}`);
  }
}

/** Checks the `now` a caller passes to a driver. */
export function validateNow(value: unknown): asserts value is number {
  validateTime('now', value);
}

/** Checks a lease duration; throws InvalidLeaseDurationError. */
export function validateLeaseMs(value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0 || value > MAX_TIME_MS) {
    throw new InvalidLeaseDurationError(value);
  }
}

/** Checks a reserve limit: a positive integer up to 10,000. */
export function validateLimit(value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 10_000) {
    throw new ValidationError('limit', `expected an integer from 1 to 10000, got ${String(value)}`);
  }
}

/** Checks payload bytes against the size limit. */
export function validatePayloadBytes(value: unknown): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new ValidationError('payload', 'expected encoded bytes (a Uint8Array)');
  if (value.byteLength > MAX_PAYLOAD_BYTES) {
    throw new ValidationError(
      'payload',
      `${value.byteLength} bytes encoded is over the limit of ${MAX_PAYLOAD_BYTES} bytes; store large data elsewhere and enqueue a reference`,
    );
  }
}

/**
 * Checks a record before a driver stores it. Drivers call this first, so
 * that an invalid record is rejected before anything is written.
 */
export function validateNewJobRecord(record: NewJobRecord): void {
  if (typeof record !== 'object' || record === null) throw new ValidationError('job', 'expected an object');
  validateName('id', record.id);
  validateName('type', record.type);
  validateName('queue', record.queue);
  validatePayloadBytes(record.payload);
  if (record.runAt !== undefined) validateTime('runAt', record.runAt);
  if (record.timeoutMs !== undefined) validateDuration('timeoutMs', record.timeoutMs);
  validateTime('createdAt', record.createdAt);
  validateCount('maxAttempts', record.maxAttempts, 1);
  if (record.idempotencyKey !== undefined) validateName('idempotencyKey', record.idempotencyKey);
  if ((record.schedule === undefined) !== (record.scheduledFor === undefined)) {
    throw new ValidationError('schedule', 'give schedule and scheduledFor together, or neither');
  }
  if (record.schedule !== undefined) validateScheduleName('schedule', record.schedule);
  if (record.scheduledFor !== undefined) validateTime('scheduledFor', record.scheduledFor);
  if (record.priority !== undefined) validatePriority(record.priority);
  if (record.group !== undefined) validateGroupName(record.group);
  if (record.meta !== undefined) validateMeta(record.meta);
}

/** A priority: an integer from MIN_PRIORITY to MAX_PRIORITY. */
export function validatePriority(value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < MIN_PRIORITY || value > MAX_PRIORITY) {
    throw new ValidationError('priority', `expected an integer from ${MIN_PRIORITY} to ${MAX_PRIORITY}, got ${String(value)}`);
  }
}

/** A group name: the characters of a queue name (no braces, whitespace or control characters), at most MAX_GROUP_NAME_LENGTH long. */
export function validateGroupName(value: unknown, field = 'group'): asserts value is string {
  validateName(field, value);
  if (value.length > MAX_GROUP_NAME_LENGTH) {
    throw new ValidationError(field, `longer than ${MAX_GROUP_NAME_LENGTH} characters (${value.length})`);
  }
}

/** Checks a schedule name: a valid name of at most MAX_SCHEDULE_NAME_LENGTH characters. */
export function validateScheduleName(field: string, value: unknown): asserts value is string {
  validateName(field, value);
  if (value.length > MAX_SCHEDULE_NAME_LENGTH) {
    throw new ValidationError(field, `longer than ${MAX_SCHEDULE_NAME_LENGTH} characters (${value.length})`);
  }
}

/** Checks the shape of a lease a caller presents. */
export function validateLease(lease: Lease): void {
  if (typeof lease !== 'object' || lease === null) throw new ValidationError('lease', 'expected an object');
  validateName('lease.jobId', lease.jobId);
  validateName('lease.queue', lease.queue);
  if (typeof lease.token !== 'string' || lease.token.length === 0) {
    throw new ValidationError('lease.token', 'must be a non-empty string');
  }
}

/** Cuts error text to the stored limit, keeping its start. */
export function clipErrorText(text: string): string {
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 12)}…[truncated]` : text;
}

/** Checks optional error text passed with retry or fail. */
export function validateErrorText(field: string, value: unknown): asserts value is string | undefined {
  if (value !== undefined && typeof value !== 'string') throw new ValidationError(field, 'expected a string');
}
