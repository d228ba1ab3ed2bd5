import {
  DriverClosedError,
  InvalidJobStateError,
  InvalidLeaseDurationError,
  JobCancelledError,
  type JobRef,
  JobNotFoundError,
  JobNotInFlightError,
  LeaseExpiredError,
  LeaseMismatchError,
  ScheduleNotFoundError,
  UnrecoverableError,
  UnsupportedOperationError,
  ValidationError,
  WaitTimeoutError,
} from '@taskharbor/core';
import { expect } from 'vitest';
import type { Harness } from './setup.js';

// biome-ignore lint/suspicious/noExplicitAny: error constructors take different arguments
type ErrorClass<E extends Error> = new (...args: any[]) => E;

/** The stable codes as docs/driver-contract.md lists them, kept apart from core so a changed code is caught. */
export const DOCUMENTED_CODES = new Map<ErrorClass<Error>, string>([
  [LeaseMismatchError, 'LEASE_MISMATCH'],
  [LeaseExpiredError, 'LEASE_EXPIRED'],
  [JobNotInFlightError, 'JOB_NOT_IN_FLIGHT'],
  [InvalidLeaseDurationError, 'INVALID_LEASE_DURATION'],
  [ValidationError, 'VALIDATION'],
  [DriverClosedError, 'DRIVER_CLOSED'],
  [JobNotFoundError, 'JOB_NOT_FOUND'],
  [UnrecoverableError, 'UNRECOVERABLE'],
  [JobCancelledError, 'JOB_CANCELLED'],
  [InvalidJobStateError, 'INVALID_JOB_STATE'],
  [WaitTimeoutError, 'WAIT_TIMEOUT'],
  [UnsupportedOperationError, 'UNSUPPORTED'],
  [ScheduleNotFoundError, 'SCHEDULE_NOT_FOUND'],
]);

/**
 * Runs the call and asserts it fails with the typed error: `instanceof` the
 * class and, for core's error classes, the documented `code`. A synchronous
 * throw counts like a rejection. Returns the error for further checks.
 *
 * @example
 * const error = await expectError(() => driver.enqueue(job, now), ValidationError);
 * expect(error.field).toBe('runAt');
 */
export async function expectError<E extends Error>(call: () => Promise<unknown>, type: ErrorClass<E>): Promise<E> {
  const code = DOCUMENTED_CODES.get(type);
  let failure: { error: unknown } | undefined;
  try {
    await call();
  } catch (error) {
    failure = { error };
  }
  if (failure === undefined) return expect.fail(`expected ${type.name} (${code}), but the call succeeded`);
  expect(failure.error, `expected ${type.name}, got ${String(failure.error)}`).toBeInstanceOf(type);
  // A class outside the documented table (a subclass of your own) is checked by instanceof alone.
  if (code !== undefined) expect((failure.error as { code?: unknown }).code).toBe(code);
  return failure.error as E;
}

/** Asserts the call fails with the typed error and that the job's stored record did not change. */
export async function expectRejectedUnchanged<E extends Error>(
  h: Harness,
  ref: JobRef,
  call: () => Promise<unknown>,
  type: ErrorClass<E>,
): Promise<E> {
  const before = await h.driver.inspect(ref);
  const error = await expectError(call, type);
  expect(await h.driver.inspect(ref)).toEqual(before);
  return error;
}

/** Asserts two byte arrays are equal, fast enough for multi-megabyte payloads. */
export function expectSameBytes(actual: Uint8Array | undefined, expected: Uint8Array): void {
  expect(actual).toBeInstanceOf(Uint8Array);
  const got = actual as Uint8Array;
  expect(got.byteLength).toBe(expected.byteLength);
  const same = Buffer.from(got.buffer, got.byteOffset, got.byteLength).equals(
    Buffer.from(expected.buffer, expected.byteOffset, expected.byteLength),
  );
  expect(same, 'payload bytes differ').toBe(true);
}

type CoreStatus = 'ready' | 'scheduled' | 'inflight' | 'done' | 'dlq';

/**
 * The counts of the five statuses every driver has. The job-control cases
 * check `cancelled` and `paused`, which only drivers with job control report.
 */
export async function coreCounts(h: Harness, queue = h.queue): Promise<Record<CoreStatus, number>> {
  const counts = await h.driver.counts(queue);
  return { ready: counts.ready, scheduled: counts.scheduled, inflight: counts.inflight, done: counts.done, dlq: counts.dlq };
}

/** Asserts the queue holds no job in any status. */
export async function expectEmptyQueue(h: Harness, queue = h.queue): Promise<void> {
  expect(await coreCounts(h, queue)).toEqual({ ready: 0, scheduled: 0, inflight: 0, done: 0, dlq: 0 });
  expect((await h.driver.counts(queue)).cancelled ?? 0).toBe(0);
}

/** How long a case waits, in real time, for a wake-up that should come; only a failing driver ever waits this long. */
export const WAKE_GUARD_MS = 2000;

/** The promise's value, or a failure naming `what` should have happened when it is still pending after WAKE_GUARD_MS. */
export async function resolvesWithin<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`waitForWork should resolve ${what}`)), WAKE_GUARD_MS);
  });
  try {
    return await Promise.race([promise, guard]);
  } finally {
    clearTimeout(timer);
  }
}
