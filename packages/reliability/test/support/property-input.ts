import { createHash } from 'node:crypto';
import { type Admin, type Driver, MAX_NAME_LENGTH, MAX_TIME_MS } from '@taskharbor/core';
import fc from 'fast-check';

/**
 * Generators of good and bad input, and an oracle for each rule written from
 * docs/driver-contract.md ("Validation"), independent of core's validate*.
 */

/** Names shaped like Object.prototype members, which must never reach a prototype. */
export const PROTOTYPE_NAMES = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  '__defineGetter__',
  '__lookupSetter__',
];

const TRICKY_NAMES = [
  '',
  ' ',
  'a b',
  'tab\there',
  'new\nline',
  '{q}',
  'a{b',
  'a}',
  '\u0000',
  'a\u007fb',
  'nbsp\u00a0',
  'ls\u2028',
  'bom\ufeff',
  '\ud800',
  'lone\udc00low',
  '😀',
  'é',
  'ß/ü:*?[x]',
  'x'.repeat(MAX_NAME_LENGTH),
  'x'.repeat(MAX_NAME_LENGTH + 1),
  '😀'.repeat(MAX_NAME_LENGTH / 2),
  'a:b:c',
  '..',
];

/** Any value a caller could pass as a name: mostly strings, some of them invalid, and a few non-strings. */
export const nameArb: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.constantFrom(...PROTOTYPE_NAMES, ...TRICKY_NAMES), weight: 3 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 16 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }), weight: 2 },
  { arbitrary: fc.string({ unit: fc.constantFrom('a', 'B', '-', '.', ':', '{', '}', ' ', '\t', '_', '9'), maxLength: 8 }), weight: 2 },
  { arbitrary: fc.constantFrom(undefined, null, 42, {}, ['x']), weight: 1 },
);

function hasLoneSurrogate(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
      else return true;
    } else if (unit >= 0xdc00 && unit <= 0xdfff) return true;
  }
  return false;
}

/** Contract: non-empty, at most 512 UTF-16 units, no braces, whitespace, control characters or lone surrogates. */
export function isValidName(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length >= 1 &&
    value.length <= MAX_NAME_LENGTH &&
    !/[{}]/.test(value) &&
    !/\s/u.test(value) &&
    !/\p{Cc}/u.test(value) &&
    !hasLoneSurrogate(value)
  );
}

const ODD_NUMBERS = [-1, -0, 0.5, 1e-9, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 2 ** 31, 2 ** 31 - 1, 2 ** 53, Number.MAX_SAFE_INTEGER, MAX_TIME_MS, MAX_TIME_MS + 1, 1e300];

/** Any value a caller could pass as a time, a duration or a count. */
export const numberArb: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 1_000_000 }), weight: 3 },
  { arbitrary: fc.integer({ min: 0, max: MAX_TIME_MS }), weight: 2 },
  { arbitrary: fc.constantFrom(0, 1, ...ODD_NUMBERS), weight: 3 },
  { arbitrary: fc.integer({ min: -1_000_000, max: -1 }), weight: 1 },
  { arbitrary: fc.double(), weight: 1 },
  { arbitrary: fc.constantFrom('1000', null, true, 10n as unknown, {}), weight: 1 },
);

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
/** Times (now, runAt, createdAt, failedAt): integers from 0 to MAX_TIME_MS. */
export const isValidTime = (v: unknown): v is number => isInt(v) && v >= 0 && v <= MAX_TIME_MS;
/** timeoutMs and leaseMs: positive integers (core caps them at MAX_TIME_MS too). */
export const isValidDuration = (v: unknown): v is number => isInt(v) && v > 0 && v <= MAX_TIME_MS;
/** maxAttempts >= 1, attempts >= 0 (core caps counts at 2^31 - 1). */
export const isValidCount = (v: unknown, min: number): v is number => isInt(v) && v >= min && v <= 2 ** 31 - 1;

/** A field either left at a good value (most of the time) or replaced with a generated one. */
export function sometimes<T>(good: T, arb: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.oneof({ arbitrary: fc.constant(good), weight: 3 }, { arbitrary: arb, weight: 1 });
}

/** A driver under test, with a snapshot of everything it stores under the test's own prefix. */
export interface Target {
  name: string;
  driver: Driver & Admin;
  snapshot(): Promise<unknown>;
}

/** For the memory driver: every queue, its counts and every record (payloads as SHA-256, so 4 MiB ones compare fast). */
export async function memorySnapshot(driver: Admin): Promise<unknown> {
  const queues = await driver.queues();
  const out: unknown[] = [];
  for (const queue of queues) {
    const jobs: unknown[] = [];
    let cursor: string | undefined;
    do {
      const page = await driver.list({ queue, limit: 1000, ...(cursor === undefined ? {} : { cursor }) });
      for (const job of page.jobs) jobs.push({ ...job, payload: createHash('sha256').update(job.payload).digest('hex') });
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    out.push({ queue, counts: await driver.counts(queue), jobs });
  }
  return out;
}
