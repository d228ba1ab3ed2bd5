import { randomBytes } from 'node:crypto';
import {
  type Admin,
  Client,
  type Driver,
  InvalidLeaseDurationError,
  type JobRecord,
  jsonCodec,
  type Lease,
  MAX_PAYLOAD_BYTES,
  type NewJobRecord,
  TaskHarborError,
  ValidationError,
} from '@taskharbor/core';
import { MemoryDriver } from '@taskharbor/driver-memory';
import { PostgresDriver } from '@taskharbor/driver-postgres';
import { RedisDriver } from '@taskharbor/driver-redis';
import { FakeClock } from '@taskharbor/testkit';
import fc from 'fast-check';
import type { Redis } from 'ioredis';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectRedis,
  deleteKeys,
  fcParams,
  keyspaceSnapshot,
  LARGE,
  openRawClient,
  propertyPrefix,
  SKIP_REDIS,
  scanKeys,
  T0,
} from '../support/property-env.js';
import { databaseUrl, dropSchema, openPool, SKIP_POSTGRES, schemaFor, schemaSnapshot } from '../support/postgres-env.js';
import {
  isValidCount,
  isValidDuration,
  isValidName,
  isValidTime,
  memorySnapshot,
  nameArb,
  numberArb,
  sometimes,
  type Target,
} from '../support/property-input.js';

/**
 * Bad input: random names, payloads, times, durations and counts are either
 * accepted and round-trip exactly, or rejected with a typed validation error
 * (ValidationError / InvalidLeaseDurationError) with nothing written. See
 * docs/reliability.md.
 */

const TIMEOUT = LARGE ? 900_000 : 60_000;
const DEFAULT = Symbol('default');
/** Normalises -0 to 0 (and leaves anything else alone), for comparing numbers by value. */
const zero = (value: unknown): unknown => (typeof value === 'number' ? value + 0 : value);
/**
 * Kept failing cases, run on every run before the random ones. The first was
 * found by the large Redis run (seed 104004031): attempts -0 reads back as 0
 * on Redis and as -0 on memory; both are the valid 0, so the test compares
 * numbers by value. The second (seed 1950401847): a fail at now -0, whose
 * dlqFailedAt reads back the same way.
 */
const LEASE_REGRESSIONS = [
  { limit: -1, leaseMs: 0, reserveNow: T0 + 10, extendMs: 5000, opNow: T0 + 20, attempts: -0, failedAt: 0, retryRunAt: 0, op: 'fail' as const },
  { limit: 2, leaseMs: 1000, reserveNow: T0 + 10, extendMs: 5000, opNow: -0, attempts: 0, failedAt: T0 + 20, retryRunAt: 0, op: 'fail' as const },
];
const ABSENT = Symbol('absent');
let counter = 0;
const freshId = (tag: string) => `${tag}-${(counter++).toString(36)}-${randomBytes(3).toString('hex')}`;

/** Runs a call; answers the value, or the typed error it threw. Anything else (a TypeError, a crash) fails the test. */
async function attempt<T>(call: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: TaskHarborError }> {
  try {
    return { ok: true, value: await call() };
  } catch (error) {
    if (error instanceof ValidationError || error instanceof InvalidLeaseDurationError) return { ok: false, error };
    if (error instanceof TaskHarborError) return { ok: false, error };
    throw new Error(`expected a typed TaskHarbor error, got ${String(error)}`, { cause: error });
  }
}

const payloadArb: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.uint8Array({ maxLength: 2048 }), weight: 4 },
  { arbitrary: fc.constant(new Uint8Array(0)), weight: 1 },
  // A view into a larger buffer: only the view's bytes are the payload.
  {
    arbitrary: fc
      .tuple(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.nat({ max: 16 }))
      .map(([bytes, start]) => bytes.subarray(Math.min(start, bytes.length))),
    weight: 1,
  },
  { arbitrary: fc.string({ maxLength: 20 }).map((s) => Buffer.from(s)), weight: 1 },
  { arbitrary: fc.constantFrom<unknown>('text', [1, 2], new Uint16Array(2), new ArrayBuffer(4), null, undefined, {}), weight: 1 },
);

const optional = (arb: fc.Arbitrary<unknown>) => fc.oneof({ arbitrary: fc.constant(ABSENT), weight: 3 }, { arbitrary: arb, weight: 2 });

const recordArb = fc.record({
  id: sometimes(DEFAULT, nameArb),
  type: sometimes('bad.input', nameArb),
  queue: sometimes(DEFAULT, nameArb),
  payload: payloadArb,
  runAt: optional(fc.oneof(numberArb, fc.integer({ min: -5000, max: 5000 }).map((d) => ({ relative: d })))),
  timeoutMs: optional(numberArb),
  createdAt: sometimes(T0, numberArb),
  maxAttempts: sometimes(3, numberArb),
  idempotencyKey: optional(nameArb),
  now: sometimes(T0, numberArb),
});

type GeneratedRecord = typeof recordArb extends fc.Arbitrary<infer R> ? R : never;

function buildRecord(gen: GeneratedRecord, queue: string): { record: NewJobRecord; now: unknown } {
  const record: Record<string, unknown> = {
    id: gen.id === DEFAULT ? freshId('id') : gen.id,
    type: gen.type,
    queue: gen.queue === DEFAULT ? queue : gen.queue,
    payload: gen.payload,
    createdAt: gen.createdAt,
    maxAttempts: gen.maxAttempts,
  };
  if (gen.runAt !== ABSENT) {
    const runAt = gen.runAt as unknown;
    record.runAt = typeof runAt === 'object' && runAt !== null && 'relative' in runAt ? T0 + (runAt as { relative: number }).relative : runAt;
  }
  if (gen.timeoutMs !== ABSENT) record.timeoutMs = gen.timeoutMs;
  if (gen.idempotencyKey !== ABSENT) record.idempotencyKey = gen.idempotencyKey;
  return { record: record as unknown as NewJobRecord, now: gen.now };
}

/** The fields that break a rule, by the contract; empty when the record is valid. */
function invalidFields(record: NewJobRecord, now: unknown): string[] {
  const bad: string[] = [];
  if (!isValidTime(now)) bad.push('now');
  if (!isValidName(record.id)) bad.push('id');
  if (!isValidName(record.type)) bad.push('type');
  if (!isValidName(record.queue)) bad.push('queue');
  const payload = record.payload as unknown;
  if (!(payload instanceof Uint8Array) || payload.byteLength > MAX_PAYLOAD_BYTES) bad.push('payload');
  if (record.runAt !== undefined && !isValidTime(record.runAt)) bad.push('runAt');
  if (record.timeoutMs !== undefined && !isValidDuration(record.timeoutMs)) bad.push('timeoutMs');
  if (!isValidTime(record.createdAt)) bad.push('createdAt');
  if (!isValidCount(record.maxAttempts, 1)) bad.push('maxAttempts');
  if (record.idempotencyKey !== undefined && !isValidName(record.idempotencyKey)) bad.push('idempotencyKey');
  return bad;
}

/** The stored record is exactly what was enqueued, in the state the contract says. */
function expectRoundTrip(stored: JobRecord | undefined, record: NewJobRecord, now: number): void {
  expect(stored).toBeDefined();
  const job = stored as JobRecord;
  expect(job.id).toBe(record.id);
  expect(job.type).toBe(record.type);
  expect(job.queue).toBe(record.queue);
  expect(Buffer.from(job.payload).equals(Buffer.from(record.payload))).toBe(true);
  expect(job.payload.byteLength).toBe(record.payload.byteLength);
  // Numbers compare by value: -0 is a valid 0.
  expect(job.createdAt === record.createdAt).toBe(true);
  expect(job.maxAttempts).toBe(record.maxAttempts);
  expect('runAt' in job).toBe(record.runAt !== undefined);
  if (record.runAt !== undefined) expect(job.runAt === record.runAt).toBe(true);
  expect('timeoutMs' in job).toBe(record.timeoutMs !== undefined);
  if (record.timeoutMs !== undefined) expect(job.timeoutMs).toBe(record.timeoutMs);
  expect('idempotencyKey' in job).toBe(record.idempotencyKey !== undefined);
  if (record.idempotencyKey !== undefined) expect(job.idempotencyKey).toBe(record.idempotencyKey);
  expect(job.status).toBe(record.runAt === undefined || record.runAt <= now ? 'ready' : 'scheduled');
  expect(job.attempts).toBe(0);
  expect(job.reclaims).toBe(0);
  expect('lease' in job).toBe(false);
  for (const [key, value] of Object.entries(job)) expect(value, `field ${key} is left out, not undefined`).not.toBeUndefined();
}

const jsonPayloadArb: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.jsonValue({ maxDepth: 4 }), weight: 4 },
  // Own "__proto__" keys, as JSON.parse makes them: data, never a prototype.
  {
    arbitrary: fc
      .tuple(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom('__proto__', 'constructor', 'prototype'))
      .map(([inner, key]) => JSON.parse(`{"${key}":${JSON.stringify(inner) ?? 'null'},"nested":{"__proto__":{"polluted":true}}}`)),
    weight: 2,
  },
  // Deeply nested arrays: accepted, or (past the engine's stack) a ValidationError.
  { arbitrary: fc.integer({ min: 1, max: 20_000 }).map((depth) => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`)), weight: 1 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 64 }), weight: 1 },
  {
    arbitrary: fc.constantFrom<() => unknown>(
      () => 10n,
      () => ({ big: 1n }),
      () => {
        const cycle: Record<string, unknown> = {};
        cycle.self = cycle;
        return cycle;
      },
      () => () => 1,
      () => Symbol('s'),
      () => undefined,
    ),
    weight: 1,
  },
);

function jsonBytes(value: unknown): Uint8Array | undefined {
  if (value === undefined) return new Uint8Array(0);
  if (typeof value === 'function' || typeof value === 'symbol') return undefined;
  try {
    return new TextEncoder().encode(JSON.stringify(value));
  } catch {
    return undefined;
  }
}

const leaseArgsArb = fc.record({
    limit: sometimes(2, numberArb),
    leaseMs: sometimes(1000, numberArb),
    reserveNow: sometimes(T0 + 10, numberArb),
    extendMs: sometimes(5000, numberArb),
    opNow: sometimes(T0 + 20, numberArb),
    attempts: sometimes(1, numberArb),
    failedAt: sometimes(T0 + 20, numberArb),
    retryRunAt: optional(numberArb),
    op: fc.constantFrom('extendLease', 'retry', 'fail'),
  });

type LeaseArgs = typeof leaseArgsArb extends fc.Arbitrary<infer R> ? R : never;

/** One case of the lease property: a queue with ready, scheduled and held jobs, a random reserve, then a random operation on the held lease. */
async function leaseCase(driver: Driver & Admin, snapshot: () => Promise<unknown>, gen: LeaseArgs): Promise<void> {
  const queue = freshId('lease');
  const job = (id: string, runAt?: number): NewJobRecord => ({
    id,
    type: 'lease',
    queue,
    payload: Uint8Array.of(1),
    createdAt: T0,
    maxAttempts: 3,
    ...(runAt === undefined ? {} : { runAt }),
  });
  await driver.enqueue(job('a'), T0);
  await driver.enqueue(job('b'), T0);
  await driver.enqueue(job('c', T0 + 5), T0);
  const { jobs } = await driver.reserve({ queue, limit: 1, leaseMs: 100, now: T0 });
  const held = jobs[0]?.lease as Lease;

  // reserve
  let before = await snapshot();
  const reserveBad = [
    !isValidCount(gen.limit, 1) || (gen.limit as number) > 10_000 ? 'limit' : '',
    !isValidDuration(gen.leaseMs) ? 'leaseMs' : '',
    !isValidTime(gen.reserveNow) ? 'now' : '',
  ].filter(Boolean);
  const reserved = await attempt(() =>
    driver.reserve({ queue, limit: gen.limit as number, leaseMs: gen.leaseMs as number, now: gen.reserveNow as number }),
  );
  if (reserveBad.length > 0) {
    expect(reserved.ok).toBe(false);
    if (reserved.ok) return;
    if (reserveBad.length === 1 && reserveBad[0] === 'leaseMs') expect(reserved.error).toBeInstanceOf(InvalidLeaseDurationError);
    else if (!reserveBad.includes('leaseMs')) {
      expect(reserved.error).toBeInstanceOf(ValidationError);
      expect(reserveBad).toContain((reserved.error as ValidationError).field);
    } else expect(['VALIDATION', 'INVALID_LEASE_DURATION']).toContain(reserved.error.code);
    expect(await snapshot(), 'a rejected reserve promotes, reclaims and leases nothing').toEqual(before);
  } else {
    if (!reserved.ok) throw new Error(`a valid reserve was rejected: ${reserved.error.message}`);
    for (const r of reserved.value.jobs) {
      expect(r.lease.expiresAt).toBe((gen.reserveNow as number) + (gen.leaseMs as number));
      const stored = await driver.inspect({ queue, id: r.job.id });
      expect(stored?.lease).toEqual({ token: r.lease.token, expiresAt: r.lease.expiresAt });
    }
  }

  // an operation on the held lease
  const current = await driver.inspect({ queue, id: 'a' });
  before = await snapshot();
  const opBad: string[] = [];
  if (!isValidTime(gen.opNow)) opBad.push('now');
  let call: () => Promise<unknown>;
  if (gen.op === 'extendLease') {
    if (!isValidDuration(gen.extendMs)) opBad.push('leaseMs');
    call = () => driver.extendLease(held, gen.extendMs as number, gen.opNow as number);
  } else {
    if (!isValidCount(gen.attempts, 0)) opBad.push('attempts');
    if (!isValidTime(gen.failedAt)) opBad.push('failedAt');
    const base = { attempts: gen.attempts as number, failedAt: gen.failedAt as number, lastError: 'e' };
    if (gen.op === 'retry') {
      if (gen.retryRunAt !== ABSENT && !isValidTime(gen.retryRunAt)) opBad.push('runAt');
      const update = gen.retryRunAt === ABSENT ? base : { ...base, runAt: gen.retryRunAt as number };
      call = () => driver.retry(held, update, gen.opNow as number);
    } else {
      call = () => driver.fail(held, { ...base, reason: 'r' }, gen.opNow as number);
    }
  }
  const result = await attempt(call);
  if (opBad.length > 0) {
    expect(result.ok).toBe(false);
    if (result.ok) return;
    if (opBad.length === 1 && opBad[0] === 'leaseMs') expect(result.error).toBeInstanceOf(InvalidLeaseDurationError);
    else if (!opBad.includes('leaseMs')) expect(opBad).toContain((result.error as ValidationError).field);
    expect(await snapshot()).toEqual(before);
    return;
  }
  if (!result.ok) {
    // A valid call may still meet the lease rules (an expired or reclaimed lease): typed, and nothing written.
    expect(['LEASE_EXPIRED', 'LEASE_MISMATCH', 'JOB_NOT_IN_FLIGHT']).toContain(result.error.code);
    expect(await snapshot()).toEqual(before);
    return;
  }
  const after = await driver.inspect({ queue, id: 'a' });
  const now = gen.opNow as number;
  if (gen.op === 'extendLease') {
    expect(after?.lease).toEqual({ token: held.token, expiresAt: now + (gen.extendMs as number) });
  } else {
    // Numbers compare by value: -0 is a valid 0 (the memory driver gives back -0, Redis 0).
    expect(zero(after?.attempts)).toBe(zero(gen.attempts));
    expect(zero(after?.failedAt)).toBe(zero(gen.failedAt));
    expect(after?.lastError).toBe('e');
    if (gen.op === 'fail') {
      expect(after?.status).toBe('dlq');
      expect(zero(after?.dlqFailedAt)).toBe(zero(now));
    } else {
      const runAt = gen.retryRunAt === ABSENT ? undefined : (gen.retryRunAt as number);
      expect(zero(after?.runAt)).toBe(zero(runAt));
      expect(after?.status).toBe(runAt === undefined || runAt <= now ? 'ready' : 'scheduled');
    }
  }
  expect(current?.status).toBe('inflight');
}

/**
 * Registers the properties for one driver. `fresh` gives every run a store of
 * its own (a new MemoryDriver, or a Redis driver on a sub-prefix), so the
 * before/after snapshots stay small however many runs there are.
 */
function defineBadInputProperties(fresh: () => Promise<Target & { close(): Promise<void> }>, runs: { ci: number; large: number }): void {
  it('enqueue: a random record is stored exactly, or rejected with a ValidationError and nothing written', { timeout: TIMEOUT }, async () => {
    const queue = freshId('q');
    await fc.assert(
      fc.asyncProperty(recordArb, async (gen) => {
        const { driver, snapshot, close } = await fresh();
        try {
          const { record, now } = buildRecord(gen, queue);
          const bad = invalidFields(record, now);
          const before = await snapshot();
          const result = await attempt(() => driver.enqueue(record, now as number));
          if (bad.length > 0) {
            expect(result.ok, `should reject ${bad.join(', ')}`).toBe(false);
            if (result.ok) return;
            expect(result.error).toBeInstanceOf(ValidationError);
            expect(bad).toContain((result.error as ValidationError).field);
            expect(await snapshot(), 'a rejected enqueue writes nothing').toEqual(before);
            return;
          }
          if (!result.ok) throw new Error(`a valid record was rejected: ${result.error.message}`);
          expect(result.value).toEqual({ id: record.id, existed: false });
          expectRoundTrip(await driver.inspect({ queue: record.queue, id: record.id }), record, now as number);
          // A resent enqueue, and another id with the same idempotency key, change nothing.
          const stored = await snapshot();
          expect(await driver.enqueue(record, now as number)).toEqual({ id: record.id, existed: true });
          if (record.idempotencyKey !== undefined) {
            const other = { ...record, id: `${record.id.slice(0, 500)}-other` };
            expect(await driver.enqueue(other, now as number)).toEqual({ id: record.id, existed: true });
          }
          expect(await snapshot()).toEqual(stored);
          // The driver keeps its own copy of the bytes.
          if (record.payload.byteLength > 0) {
            const original = record.payload[0];
            record.payload[0] = ((original as number) + 1) % 256;
            const again = await driver.inspect({ queue: record.queue, id: record.id });
            expect(again?.payload[0]).toBe(original);
          }
        } finally {
          await close();
        }
      }),
      fcParams(runs),
    );
  });

  it('client: any JSON payload (empty, binary strings, deep, __proto__ keys) round-trips; an unencodable one is a ValidationError', { timeout: TIMEOUT }, async () => {
    const queue = freshId('json');
    const clock = new FakeClock(T0);
    await fc.assert(
      fc.asyncProperty(jsonPayloadArb, async (generated) => {
        const { driver, snapshot, close } = await fresh();
        try {
          const value = typeof generated === 'function' ? (generated as () => unknown)() : generated;
          const client = new Client(driver, { clock });
          const expected = jsonBytes(value);
          const before = await snapshot();
          const result = await attempt(() => client.enqueue('json.payload', value, { queue }));
          if (expected === undefined || expected.byteLength > MAX_PAYLOAD_BYTES) {
            expect(result.ok).toBe(false);
            if (result.ok) return;
            expect(result.error).toBeInstanceOf(ValidationError);
            expect((result.error as ValidationError).field).toBe('payload');
            expect(await snapshot()).toEqual(before);
            return;
          }
          if (!result.ok) throw new Error(`an encodable payload was rejected: ${result.error.message}`);
          const stored = await driver.inspect({ queue, id: result.value.id });
          expect(Buffer.from(stored?.payload ?? []).equals(Buffer.from(expected))).toBe(true);
          const decoded = jsonCodec.decode(stored?.payload as Uint8Array);
          if (decoded !== null && typeof decoded === 'object' && !Array.isArray(decoded)) {
            expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
          }
          expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        } finally {
          await close();
        }
      }),
      fcParams(runs),
    );
  });

  it('reserve, extendLease, retry and fail: random limits, lease durations, times and counts are used exactly or rejected with nothing written', { timeout: TIMEOUT }, async () => {
    await fc.assert(
      fc.asyncProperty(
        leaseArgsArb,
        async (gen) => {
          const { driver, snapshot, close } = await fresh();
          try {
            await leaseCase(driver, snapshot, gen);
          } finally {
            await close();
          }
        },
      ),
      { ...fcParams(runs), examples: LEASE_REGRESSIONS.map((example) => [example] as [LeaseArgs]) },
    );
  });

  // Last, so the other properties' snapshots do not hash its 4 MiB payloads.
  it('payload size: exactly MAX_PAYLOAD_BYTES (4 MiB) is accepted, one byte more is a clear ValidationError', { timeout: TIMEOUT }, async () => {
    const { driver, snapshot, close } = await fresh();
    const queue = freshId('size');
    for (const size of [0, 1, MAX_PAYLOAD_BYTES - 1, MAX_PAYLOAD_BYTES]) {
      const payload = new Uint8Array(size);
      for (let i = 0; i < size; i += 4093) payload[i] = i % 251;
      if (size > 0) payload[size - 1] = 0xff;
      const id = freshId('ok');
      await driver.enqueue({ id, type: 'size', queue, payload, createdAt: T0, maxAttempts: 1 }, T0);
      const stored = await driver.inspect({ queue, id });
      expect(stored?.payload.byteLength).toBe(size);
      expect(Buffer.from(stored?.payload ?? []).equals(Buffer.from(payload))).toBe(true);
    }
    for (const size of [MAX_PAYLOAD_BYTES + 1, MAX_PAYLOAD_BYTES + 4096]) {
      const before = await snapshot();
      const job = { id: freshId('big'), type: 'size', queue, payload: new Uint8Array(size), createdAt: T0, maxAttempts: 1 };
      const error = await driver.enqueue(job, T0).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).field).toBe('payload');
      expect((error as Error).message).toContain(String(size));
      expect((error as Error).message).toContain(String(MAX_PAYLOAD_BYTES));
      expect(await snapshot()).toEqual(before);
    }
    // Through the client: a JSON string that encodes to exactly the limit, then one byte more.
    const client = new Client(driver, { clock: new FakeClock(T0) });
    const exact = 'a'.repeat(MAX_PAYLOAD_BYTES - 2);
    const { id } = await client.enqueue('size', exact, { queue });
    expect((await driver.inspect({ queue, id }))?.payload.byteLength).toBe(MAX_PAYLOAD_BYTES);
    const before = await snapshot();
    const error = await client.enqueue('size', `${exact}a`, { queue }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('payload');
    expect(await snapshot()).toEqual(before);
    await close();
  });
}

describe('bad input: memory driver', () => {
  defineBadInputProperties(
    async () => {
      const driver = new MemoryDriver();
      return { name: 'memory', driver, snapshot: () => memorySnapshot(driver), close: () => driver.close() };
    },
    { ci: 150, large: 3000 },
  );
});

describe.skipIf(SKIP_REDIS)('bad input: Redis driver', () => {
  const prefix = propertyPrefix('bad-input');
  let raw: Redis;
  let run = 0;
  beforeAll(async () => {
    // Connecting once checks the target (a clear RedisConnectError when it is down).
    const probe = await connectRedis(prefix);
    await probe.close();
    raw = openRawClient();
  });
  afterAll(async () => {
    if (raw !== undefined) {
      await deleteKeys(raw, prefix);
      expect(await scanKeys(raw, prefix)).toEqual([]);
      raw.disconnect();
    }
  });
  defineBadInputProperties(
    async () => {
      // Each run on a sub-prefix of its own, through the resend-safe raw client (the driver never closes it).
      const subPrefix = `${prefix}:r${run++}`;
      const driver = new RedisDriver({ client: raw, keyPrefix: subPrefix });
      // Writes the data-model version key now, so it is not the first write a case sees.
      await driver.counts('warm-up');
      return { name: 'redis', driver, snapshot: () => keyspaceSnapshot(raw, subPrefix), close: () => driver.close() };
    },
    { ci: 40, large: 1000 },
  );
});

describe.skipIf(SKIP_POSTGRES)('bad input: PostgreSQL driver', () => {
  const schema = schemaFor('prop_bad_input');
  let pool: pg.Pool;
  let driver: PostgresDriver;
  beforeAll(async () => {
    pool = openPool();
    driver = await PostgresDriver.connect({ connectionString: databaseUrl(), schema, poolSize: 4 });
  });
  afterAll(async () => {
    await driver?.close();
    if (pool !== undefined) {
      await dropSchema(pool, schema);
      const { rows } = await pool.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
      expect(rows).toEqual([]);
      await pool.end();
    }
  });
  defineBadInputProperties(
    async () => {
      // Each run on an empty store (one run's ids and keys would meet the next run's): the file's schema, emptied.
      await pool.query(`DELETE FROM "${schema}".jobs; DELETE FROM "${schema}".queues`);
      return { name: 'postgres', driver, snapshot: () => schemaSnapshot(pool, schema), close: async () => undefined };
    },
    { ci: 40, large: 1000 },
  );
});
