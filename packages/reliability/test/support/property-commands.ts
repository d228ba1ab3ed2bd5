import type { Admin, Driver, JobRecord, Lease } from '@taskharbor/core';
import { TaskHarborError } from '@taskharbor/core';
import fc from 'fast-check';
import { expect } from 'vitest';
import { type ModelJob, type Outcome, QueueModel, type Retention } from './property-model.js';

/**
 * The commands of the model-based test: each runs one call against the
 * reference model and the real driver, compares the outcomes (value or error
 * code), then compares every job and the counts.
 */

export interface Real {
  driver: Driver & Admin;
  queue: string;
  now: number;
  /** Real leases by handle number, in the order the model numbered them. */
  leases: Lease[];
}

/** The job ids a run draws from: few, so ids and keys collide often. */
export const ID_POOL = ['job-0', 'job-1', 'job-2', 'job-3', 'job-4', 'job-5', 'job-6', 'job-7'];
export const KEY_POOL = ['key-0', 'key-1', 'key-2'];
export const RETENTION: Retention = { maxDoneCount: 2, maxDoneAgeMs: 150 };
export const PAYLOAD = Uint8Array.of(0, 255, 7, 123, 34);
const TYPE = 'model.job';
const FORGED_TOKEN = 'forged-token';

type Cmd = fc.AsyncCommand<QueueModel, Real>;

/** Runs a call and reduces it to an Outcome; an error that is not a typed TaskHarbor error fails the test. */
async function capture(call: () => Promise<unknown>): Promise<Outcome> {
  try {
    const value = await call();
    return value === undefined ? { ok: true } : { ok: true, value };
  } catch (error) {
    if (error instanceof TaskHarborError) return { ok: false, code: error.code };
    throw error;
  }
}

function outcomeText(outcome: Outcome): string {
  return outcome.ok ? `ok ${JSON.stringify(outcome.value)}` : `error ${outcome.code}`;
}

function expectSameOutcome(call: string, real: Outcome, model: Outcome): void {
  expect(outcomeText(real), `${call}: driver and model disagree`).toBe(outcomeText(model));
}

/** A job as driver and model are compared: the model's fields, with its lease as one value. */
type Projection = Omit<ModelJob, 'id' | 'status' | 'handle' | 'expiresAt' | 'maxAttempts'> & {
  status: string;
  lease?: { handle: number; expiresAt?: number };
};

function project(fields: Projection): Projection {
  const out: Projection = { status: fields.status, attempts: fields.attempts, reclaims: fields.reclaims };
  for (const key of ['runAt', 'idempotencyKey', 'lastError', 'failedAt', 'lease', 'finishedAt', 'dlqReason', 'dlqFailedAt'] as const) {
    if (fields[key] !== undefined) (out as unknown as Record<string, unknown>)[key] = fields[key];
  }
  return out;
}

function projectModel(job: ModelJob): Projection {
  const lease =
    job.handle === undefined ? undefined : job.expiresAt === undefined ? { handle: job.handle } : { handle: job.handle, expiresAt: job.expiresAt };
  return project({ ...job, lease });
}

function projectReal(record: JobRecord, real: Real): Projection {
  let lease: Projection['lease'];
  if (record.lease !== undefined) {
    const handle = real.leases.findIndex((l) => l.token === record.lease?.token);
    lease = record.lease.expiresAt === undefined ? { handle } : { handle, expiresAt: record.lease.expiresAt };
  }
  return project({ ...record, lease });
}

/** Every job of the pool and the counts agree between model and driver. */
export async function expectSameState(model: QueueModel, real: Real, after: string): Promise<void> {
  const records = await Promise.all(ID_POOL.map((id) => real.driver.inspect({ queue: real.queue, id })));
  ID_POOL.forEach((id, i) => {
    const record = records[i];
    const job = model.jobs.get(id);
    const where = `after ${after}: job ${id}`;
    if (job === undefined) {
      expect(record, `${where} should not exist`).toBeUndefined();
      return;
    }
    expect(record, `${where} should exist`).toBeDefined();
    const rec = record as JobRecord;
    expect(projectReal(rec, real), where).toEqual(projectModel(job));
    expect(rec.type, where).toBe(TYPE);
    expect([...rec.payload], where).toEqual([...PAYLOAD]);
    expect(rec.maxAttempts, where).toBe(job.maxAttempts);
  });
  // The paused flag (job control) is no status count; the model never pauses.
  const { paused, ...counts } = await real.driver.counts(real.queue);
  expect(paused ?? false, `after ${after}: paused`).toBe(false);
  expect(counts, `after ${after}: counts`).toEqual(model.counts());
}

const offset = fc.integer({ min: -50, max: 200 });
const leaseMsArb = fc.constantFrom(1, 10, 30, 100, 250);
const handleArb = fc.nat({ max: 1000 });
const idArb = fc.nat({ max: ID_POOL.length - 1 });
const lastErrorArb = fc.option(fc.constantFrom('boom', '', 'x'.repeat(40)), { nil: undefined });

class EnqueueCmd implements Cmd {
  constructor(
    readonly idIndex: number,
    readonly runAtOffset: number | undefined,
    readonly keyIndex: number | undefined,
  ) {}
  check(): boolean {
    return true;
  }
  async run(model: QueueModel, real: Real): Promise<void> {
    const id = ID_POOL[this.idIndex] as string;
    const runAt = this.runAtOffset === undefined ? undefined : Math.max(0, model.now + this.runAtOffset);
    const key = this.keyIndex === undefined ? undefined : KEY_POOL[this.keyIndex];
    const record = {
      id,
      type: TYPE,
      queue: real.queue,
      payload: PAYLOAD.slice(),
      createdAt: real.now,
      maxAttempts: 5,
      ...(runAt === undefined ? {} : { runAt }),
      ...(key === undefined ? {} : { idempotencyKey: key }),
    };
    const got = await capture(() => real.driver.enqueue(record, real.now));
    const want = model.enqueue({ id, runAt, idempotencyKey: key });
    expectSameOutcome(this.toString(), got, want);
    await expectSameState(model, real, this.toString());
  }
  toString(): string {
    return `enqueue(${this.idIndex}, runAt ${this.runAtOffset === undefined ? '-' : `now${this.runAtOffset >= 0 ? '+' : ''}${this.runAtOffset}`}, key ${this.keyIndex ?? '-'})`;
  }
}

class ReserveCmd implements Cmd {
  constructor(
    readonly limit: number,
    readonly leaseMs: number,
  ) {}
  check(): boolean {
    return true;
  }
  async run(model: QueueModel, real: Real): Promise<void> {
    const result = await real.driver.reserve({ queue: real.queue, limit: this.limit, leaseMs: this.leaseMs, now: real.now });
    const want = model.reserve(this.limit, this.leaseMs);
    expect(
      result.jobs.map((r) => r.job.id),
      `${this} order`,
    ).toEqual(want.ids);
    expect(result.nextDueAt, `${this} nextDueAt`).toBe(want.nextDueAt);
    expect('nextDueAt' in result, `${this}: an unset nextDueAt is left out`).toBe(want.nextDueAt !== undefined);
    for (const reserved of result.jobs) {
      expect(reserved.lease.expiresAt).toBe(real.now + this.leaseMs);
      expect(reserved.lease.jobId).toBe(reserved.job.id);
      expect(reserved.lease.queue).toBe(real.queue);
      expect(reserved.job.status).toBe('inflight');
      real.leases.push(reserved.lease);
    }
    expect(real.leases.length).toBe(model.handles.length);
    await expectSameState(model, real, this.toString());
  }
  toString(): string {
    return `reserve(limit ${this.limit}, lease ${this.leaseMs})`;
  }
}

type LeaseOpName = 'extendLease' | 'ack' | 'retry' | 'fail' | 'release';

class LeaseOpCmd implements Cmd {
  constructor(
    readonly op: LeaseOpName,
    readonly handle: number,
    readonly forged: boolean,
    readonly idIndex: number,
    readonly leaseMs: number,
    readonly attempts: number,
    readonly lastError: string | undefined,
    readonly runAtOffset: number | undefined,
  ) {}
  check(model: QueueModel): boolean {
    return this.forged || model.handles.length > 0;
  }
  async run(model: QueueModel, real: Real): Promise<void> {
    let handle: number;
    let lease: Lease;
    if (this.forged) {
      handle = -1;
      const jobId = ID_POOL[this.idIndex] as string;
      lease = { jobId, queue: real.queue, token: FORGED_TOKEN, expiresAt: real.now + 1000 };
    } else {
      // Mostly one of the three newest leases (likely still valid), sometimes any older one (likely stale).
      const count = model.handles.length;
      handle = this.handle % 4 === 0 ? this.handle % count : count - 1 - (this.handle % Math.min(3, count));
      lease = real.leases[handle] as Lease;
    }
    const id = lease.jobId;
    const now = real.now;
    const runAt = this.runAtOffset === undefined ? undefined : Math.max(0, now + this.runAtOffset);
    const lastError = this.lastError === undefined ? {} : { lastError: this.lastError };
    let got: Outcome;
    let want: Outcome;
    switch (this.op) {
      case 'extendLease':
        got = await capture(async () => ({ expiresAt: (await real.driver.extendLease(lease, this.leaseMs, now)).expiresAt }));
        want = model.extendLease(id, handle, this.leaseMs);
        break;
      case 'ack':
        got = await capture(() => real.driver.ack(lease, now));
        want = model.ack(id, handle);
        break;
      case 'retry': {
        const update = { attempts: this.attempts, failedAt: now, ...lastError, ...(runAt === undefined ? {} : { runAt }) };
        got = await capture(() => real.driver.retry(lease, update, now));
        want = model.retry(id, handle, update);
        break;
      }
      case 'fail': {
        const update = { attempts: this.attempts, failedAt: now, ...lastError, reason: `reason ${this.attempts}` };
        got = await capture(() => real.driver.fail(lease, update, now));
        want = model.fail(id, handle, update);
        break;
      }
      case 'release':
        got = await capture(() => real.driver.release(lease, now));
        want = model.release(id, handle);
        break;
    }
    expectSameOutcome(`${this} on ${id}`, got, want);
    await expectSameState(model, real, this.toString());
  }
  toString(): string {
    const who = this.forged ? `forged lease of ${this.idIndex}` : `handle ${this.handle}`;
    const extra =
      this.op === 'extendLease'
        ? `, ${this.leaseMs}`
        : this.op === 'retry' || this.op === 'fail'
          ? `, attempts ${this.attempts}, lastError ${JSON.stringify(this.lastError)}${this.op === 'retry' ? `, runAt ${this.runAtOffset ?? '-'}` : ''}`
          : '';
    return `${this.op}(${who}${extra})`;
  }
}

class RequeueCmd implements Cmd {
  constructor(
    readonly idIndex: number,
    readonly resetAttempts: boolean | undefined,
    readonly runAtOffset: number | undefined,
  ) {}
  check(): boolean {
    return true;
  }
  async run(model: QueueModel, real: Real): Promise<void> {
    const id = ID_POOL[this.idIndex] as string;
    const runAt = this.runAtOffset === undefined ? undefined : Math.max(0, model.now + this.runAtOffset);
    const options = {
      now: real.now,
      ...(this.resetAttempts === undefined ? {} : { resetAttempts: this.resetAttempts }),
      ...(runAt === undefined ? {} : { runAt }),
    };
    const got = await capture(() => real.driver.requeueDlq({ queue: real.queue, id }, options));
    const want = model.requeueDlq(id, options);
    expectSameOutcome(this.toString(), got, want);
    await expectSameState(model, real, this.toString());
  }
  toString(): string {
    return `requeueDlq(${this.idIndex}, reset ${this.resetAttempts ?? '-'}, runAt ${this.runAtOffset ?? '-'})`;
  }
}

class AdvanceCmd implements Cmd {
  constructor(readonly ms: number) {}
  check(): boolean {
    return true;
  }
  async run(model: QueueModel, real: Real): Promise<void> {
    model.advance(this.ms);
    real.now += this.ms;
  }
  toString(): string {
    return `advance(${this.ms})`;
  }
}

const leaseOp = (op: LeaseOpName) =>
  fc
    .tuple(handleArb, fc.boolean(), idArb, leaseMsArb, fc.nat({ max: 5 }), lastErrorArb, fc.option(offset, { nil: undefined }))
    .map(
      ([handle, forgedCoin, idIndex, leaseMs, attempts, lastError, runAtOffset]) =>
        // One call in eight presents a forged token (a late writer or a stranger).
        new LeaseOpCmd(op, handle, forgedCoin && handle % 4 === 0, idIndex, leaseMs, attempts, lastError, runAtOffset),
    );

const enqueueArb = fc
  .tuple(idArb, fc.option(offset, { nil: undefined }), fc.option(fc.nat({ max: KEY_POOL.length - 1 }), { nil: undefined }))
  .map(([i, o, k]) => new EnqueueCmd(i, o, k));

/** One command, weighted so that jobs get reserved and finished often. */
export const COMMAND: fc.Arbitrary<Cmd> = fc.oneof(
  { arbitrary: enqueueArb, weight: 5 },
  { arbitrary: fc.tuple(fc.integer({ min: 1, max: 3 }), leaseMsArb).map(([l, ms]) => new ReserveCmd(l, ms)), weight: 5 },
  { arbitrary: leaseOp('extendLease'), weight: 1 },
  { arbitrary: leaseOp('ack'), weight: 2 },
  { arbitrary: leaseOp('retry'), weight: 2 },
  { arbitrary: leaseOp('fail'), weight: 2 },
  { arbitrary: leaseOp('release'), weight: 2 },
  {
    arbitrary: fc
      .tuple(idArb, fc.option(fc.boolean(), { nil: undefined }), fc.option(offset, { nil: undefined }))
      .map(([i, r, o]) => new RequeueCmd(i, r, o)),
    weight: 1,
  },
  {
    arbitrary: fc.oneof(fc.integer({ min: 0, max: 40 }), fc.constantFrom(1, 100, 151, 300)).map((ms) => new AdvanceCmd(ms)),
    weight: 3,
  },
);

/** A command sequence of 1 to maxCommands steps; shrinks by dropping and simplifying steps. */
export function commandSequence(maxCommands: number): fc.Arbitrary<Cmd[]> {
  return fc.array(COMMAND, { minLength: 1, maxLength: maxCommands, size: 'max' });
}

/** A fresh model and real pair for one run. */
export function freshRun(driver: Driver & Admin, queue: string, now: number): { model: QueueModel; real: Real } {
  return { model: new QueueModel(now, RETENTION), real: { driver, queue, now, leases: [] } };
}
