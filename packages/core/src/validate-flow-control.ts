import { ValidationError } from './errors.js';
import type { FlowLimits } from './flow-control.js';
import type { Lease } from './job.js';
import { MAX_CONCURRENCY_LIMIT, MAX_RATE_MAX, MAX_RATE_WINDOW_MS } from './limits.js';
import { validateGroupName, validateLease, validateNow, validateTime } from './validate.js';
import { validateQueueName } from './validate-requests.js';

/**
 * Checks of flow-control input. Drivers call them before anything is
 * written, so every driver refuses the same input with the same error.
 * (Priority and group, being job fields, are checked in validate.ts.)
 */

function validateWholeNumber(field: string, value: unknown, max: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw new ValidationError(field, `expected an integer from 1 to ${max}, got ${String(value)}`);
  }
}

/** Limits for setQueueLimits and setGroupLimits: only known fields, each a positive integer in range. */
export function validateFlowLimits(limits: unknown): asserts limits is FlowLimits {
  if (typeof limits !== 'object' || limits === null || Array.isArray(limits)) {
    throw new ValidationError('limits', 'expected an object such as { concurrency: 5, rate: { max: 100, perMs: 1000 } }');
  }
  for (const key of Object.keys(limits)) {
    if (key !== 'concurrency' && key !== 'rate') throw new ValidationError(`limits.${key}`, 'unknown limit; use concurrency or rate');
  }
  const { concurrency, rate } = limits as FlowLimits;
  if (concurrency !== undefined) validateWholeNumber('limits.concurrency', concurrency, MAX_CONCURRENCY_LIMIT);
  if (rate !== undefined) {
    if (typeof rate !== 'object' || rate === null || Array.isArray(rate)) {
      throw new ValidationError('limits.rate', 'expected { max, perMs }');
    }
    for (const key of Object.keys(rate)) {
      if (key !== 'max' && key !== 'perMs') throw new ValidationError(`limits.rate.${key}`, 'unknown field; use max and perMs');
    }
    validateWholeNumber('limits.rate.max', rate.max, MAX_RATE_MAX);
    validateWholeNumber('limits.rate.perMs', rate.perMs, MAX_RATE_WINDOW_MS);
  }
}

/** A copy of valid limits holding only the fields that are set, so stores never keep `undefined` keys. */
export function normalizeFlowLimits(limits: FlowLimits): FlowLimits {
  const copy: FlowLimits = {};
  if (limits.concurrency !== undefined) copy.concurrency = limits.concurrency;
  if (limits.rate !== undefined) copy.rate = { max: limits.rate.max, perMs: limits.rate.perMs };
  return copy;
}

/** The limits that hold for a group: each field of the override replaces the default's. */
export function effectiveGroupLimits(defaults: FlowLimits, overrides: FlowLimits): FlowLimits {
  return normalizeFlowLimits({ ...defaults, ...normalizeFlowLimits(overrides) });
}

/** The arguments of setQueueLimits, and of setGroupLimits with its optional group. */
export function validateLimitsRequest(queue: string, limits: unknown, group?: string): asserts limits is FlowLimits {
  validateQueueName(queue);
  validateFlowLimits(limits);
  if (group !== undefined) validateGroupName(group);
}

/** The arguments of snooze: the lease, the time the job waits for (field `runAt`) and `now`. */
export function validateSnoozeRequest(lease: Lease, runAt: unknown, now: unknown): void {
  validateLease(lease);
  validateTime('runAt', runAt);
  validateNow(now);
}

/** The arguments of holdBack: the lease, the end of the hold (field `until`) and `now`. */
export function validateHoldBackRequest(lease: Lease, until: unknown, now: unknown): void {
  validateLease(lease);
  validateTime('until', until);
  validateNow(now);
}
