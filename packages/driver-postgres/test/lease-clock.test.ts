import { randomBytes } from 'node:crypto';
import {
  advanceRequest,
  buildScheduleSpec,
  jsonCodec,
  LeaseExpiredError,
  nextTick,
  occurrenceJob,
  planAdvance,
  type ScheduleRecord,
  ValidationError,
} from '@taskharbor/core';
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { bindFlowStatements } from '../src/flow-control/flow-statements.js';
import { PostgresDriver } from '../src/index.js';
import { bindScheduleStatements } from '../src/schedules/schedule-statements.js';
import type { Statement } from '../src/sql/statement.js';
import { bindStatements } from '../src/sql/statements.js';
import { newJob, SKIP_POSTGRES, uniqueQueue, usePostgresFile } from './support/postgres-env.js';

const HOUR = 3_600_000;

/** PostgreSQL's own clock, in epoch ms. */
async function serverNow(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query('SELECT floor(extract(epoch from clock_timestamp()) * 1000)::bigint AS now');
  return Number(rows[0].now);
}

/** Every bound statement of the driver's families. */
function allStatements(schema: string, clock: 'caller' | 'server'): Record<string, Statement> {
  return { ...bindStatements(schema, clock), ...bindFlowStatements(schema, clock), ...bindScheduleStatements(schema, clock) };
}

describe('leaseClock option', () => {
  it('rejects an unknown clock before connecting', async () => {
    // Nothing listens on port 1: a ValidationError proves no connection was tried.
    const error = await PostgresDriver.connect({ connectionString: 'postgres://nobody@127.0.0.1:1/none', leaseClock: 'local' as never }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ field: 'leaseClock' });
    const pool = { query: () => undefined, connect: () => undefined } as never;
    expect(() => new PostgresDriver({ pool, leaseClock: 'SERVER' as never })).toThrow(ValidationError);
  });

  it('under the server clock every use of a clock parameter reads the database clock, under its own statement name', () => {
    const caller = allStatements('th_clock_check', 'caller');
    const server = allStatements('th_clock_check', 'server');
    const clocked = Object.keys(server).filter((key) => server[key]?.serverClock !== undefined);
    expect(clocked.sort()).toEqual(
      [
        'ack',
        'ackFlow',
        'ackRemove',
        'extendLeases',
        'fail',
        'holdBack',
        'lockJob',
        'release',
        'reserve',
        'reserveFlow',
        'reservePriority',
        'retry',
        'setProgress',
        'snooze',
      ].sort(),
    );
    for (const key of Object.keys(server)) {
      const statement = server[key] as Statement;
      const plain = caller[key] as Statement;
      expect(plain.serverClock).toBeUndefined();
      if (statement.serverClock === undefined) {
        expect(statement).toEqual(plain);
        continue;
      }
      expect(statement.name).toBe(`${plain.name}_server`);
      const code = statement.text.replace(/--.*$/gm, '');
      for (const index of statement.serverClock) {
        const param = `$${index + 1}`;
        // Cut every rewritten use; none of the parameter may be left (a bare $N would decide by the caller's clock).
        const rest = code.split(`coalesce(${param}::bigint, `).join('');
        expect(code).toContain(`coalesce(${param}::bigint, `);
        expect(rest).not.toMatch(new RegExp(`\\${param}(?![0-9])`));
      }
    }
  });
});

describe.skipIf(SKIP_POSTGRES)('leaseClock server (the database clock)', () => {
  const file = usePostgresFile('lease-clock');

  /** Moves a lease's stored expiry to just before the database's now: expired by the server clock, whatever the callers think. */
  async function expireOnServer(queue: string, id: string): Promise<number> {
    const { rows } = await file.pool.query(
      `UPDATE "${file.schema}".jobs SET lease_expires_at = floor(extract(epoch from clock_timestamp()) * 1000)::bigint - 1
       WHERE queue = $1 AND id = $2 RETURNING lease_expires_at`,
      [queue, id],
    );
    return Number(rows[0].lease_expires_at);
  }

  it('a worker whose clock runs hours ahead cannot take, nor end, a valid lease', async () => {
    const honest = await file.driver({ leaseClock: 'server' });
    const ahead = await file.driver({ leaseClock: 'server' });
    const queue = uniqueQueue();
    const job = newJob(queue, { createdAt: 0 });
    await honest.enqueue(job, 0);
    const now = await serverNow(file.pool);
    const { lease } = (await honest.reserve({ queue, limit: 1, leaseMs: 60_000, now })).jobs[0]!;

    const taken = await ahead.reserve({ queue, limit: 1, leaseMs: 60_000, now: now + 2 * HOUR });
    expect(taken.jobs).toEqual([]);
    // The skewed clock's extension is measured from its own now; the stored one from the server's.
    const extended = await ahead.extendLease(lease, 60_000, now + 2 * HOUR);
    expect(extended.expiresAt).toBe(now + 2 * HOUR + 60_000);
    expect((await honest.inspect({ queue, id: job.id }))?.lease?.expiresAt).toBeLessThan(now + HOUR);
    await honest.ack(lease, now + 2 * HOUR);
    expect((await honest.inspect({ queue, id: job.id }))?.status).toBe('done');
  });

  it('the same skew on the caller clock reclaims the lease (the fault the server clock removes)', async () => {
    const honest = await file.driver();
    const ahead = await file.driver();
    const queue = uniqueQueue();
    const job = newJob(queue, { createdAt: 0 });
    await honest.enqueue(job, 0);
    const now = await serverNow(file.pool);
    const { lease } = (await honest.reserve({ queue, limit: 1, leaseMs: 60_000, now })).jobs[0]!;
    const taken = await ahead.reserve({ queue, limit: 1, leaseMs: 60_000, now: now + 2 * HOUR });
    expect(taken.jobs.map((reserved) => reserved.job.id)).toEqual([job.id]);
    await expect(honest.ack(lease, now + 1)).rejects.toMatchObject({ code: 'LEASE_MISMATCH' });
  });

  it('a worker whose clock runs behind cannot keep a lease the server clock has ended', async () => {
    const driver = await file.driver({ leaseClock: 'server' });
    const queue = uniqueQueue();
    const job = newJob(queue, { createdAt: 0 });
    await driver.enqueue(job, 0);
    const { lease } = (await driver.reserve({ queue, limit: 1, leaseMs: 60_000, now: 0 })).jobs[0]!;
    const expiry = await expireOnServer(queue, job.id);

    // By the caller's clock (0) the lease runs for decades; by the server's it is over.
    for (const call of [() => driver.extendLease(lease, 60_000, 0), () => driver.ack(lease, 0), () => driver.setProgress(lease, '1', 0)]) {
      const error = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LeaseExpiredError);
      expect((error as LeaseExpiredError).expiresAt).toBe(expiry);
      expect((error as LeaseExpiredError).now).toBeGreaterThan(expiry);
    }
    const reclaimed = await driver.reserve({ queue, limit: 1, leaseMs: 60_000, now: 0 });
    expect(reclaimed.jobs.map((reserved) => [reserved.job.id, reserved.job.reclaims])).toEqual([[job.id, 1]]);
  });

  it('the caller clock alone would keep that lease (the fault the server clock removes)', async () => {
    const driver = await file.driver();
    const queue = uniqueQueue();
    const job = newJob(queue, { createdAt: 0 });
    await driver.enqueue(job, 0);
    const { lease } = (await driver.reserve({ queue, limit: 1, leaseMs: 60_000, now: 0 })).jobs[0]!;
    await expireOnServer(queue, job.id);
    await expect(driver.extendLease(lease, 60_000, 0)).resolves.toMatchObject({ expiresAt: 60_000 });
  });

  it('stores lease expiries on the server clock and hands them back on the caller clock', async () => {
    const driver = await file.driver({ leaseClock: 'server' });
    const queue = uniqueQueue();
    const job = newJob(queue, { createdAt: 0 });
    await driver.enqueue(job, 0);
    const before = await serverNow(file.pool);
    const callerNow = 1_000;
    const { job: record, lease } = (await driver.reserve({ queue, limit: 1, leaseMs: 30_000, now: callerNow })).jobs[0]!;
    const after = await serverNow(file.pool);
    expect(lease.expiresAt).toBe(callerNow + 30_000);
    const stored = (await driver.inspect({ queue, id: job.id }))?.lease?.expiresAt ?? 0;
    expect(record.lease?.expiresAt).toBe(stored);
    expect(stored).toBeGreaterThanOrEqual(before + 30_000);
    expect(stored).toBeLessThanOrEqual(after + 30_000);

    const [extended] = await driver.extendLeases([lease], 90_000, callerNow + 5);
    expect(extended).toEqual({ ok: true, value: { ...lease, expiresAt: callerNow + 5 + 90_000 } });
    const restored = (await driver.inspect({ queue, id: job.id }))?.lease?.expiresAt ?? 0;
    expect(restored).toBeGreaterThanOrEqual(before + 90_000);
    expect(restored).toBeLessThanOrEqual((await serverNow(file.pool)) + 90_000);
  });

  it('reports nextDueAt as a distance from the caller now', async () => {
    const driver = await file.driver({ leaseClock: 'server' });
    const queue = uniqueQueue();
    const start = await serverNow(file.pool);
    await driver.enqueue(newJob(queue, { createdAt: 0, runAt: start + 60_000 }), start);
    const callerNow = 5_000;
    const result = await driver.reserve({ queue, limit: 1, leaseMs: 1000, now: callerNow });
    const elapsed = (await serverNow(file.pool)) - start;
    expect(result.jobs).toEqual([]);
    expect(result.nextDueAt).toBeLessThanOrEqual(callerNow + 60_000);
    expect(result.nextDueAt).toBeGreaterThanOrEqual(callerNow + 60_000 - elapsed);
  });

  it('promotes scheduled jobs when the server clock reaches their runAt, whatever the caller passes', async () => {
    const driver = await file.driver({ leaseClock: 'server' });
    const queue = uniqueQueue();
    const start = await serverNow(file.pool);
    const due = newJob(queue, { createdAt: 0, runAt: start - 1 });
    const later = newJob(queue, { createdAt: 0, runAt: start + HOUR });
    await driver.enqueueMany([due, later], 0);
    const taken = await driver.reserve({ queue, limit: 2, leaseMs: 1000, now: start + 2 * HOUR });
    expect(taken.jobs.map((reserved) => reserved.job.id)).toEqual([due.id]);
  });

  it('finish and dead-letter times come from the server clock', async () => {
    const driver = await file.driver({ leaseClock: 'server' });
    const queue = uniqueQueue();
    const done = newJob(queue, { createdAt: 0 });
    const dead = newJob(queue, { createdAt: 0 });
    await driver.enqueueMany([done, dead], 0);
    const before = await serverNow(file.pool);
    const [first, second] = (await driver.reserve({ queue, limit: 2, leaseMs: 30_000, now: 7 })).jobs;
    await driver.ack(first!.lease, 7);
    await driver.fail(second!.lease, { attempts: 1, failedAt: 7, reason: 'poison' }, 7);
    const after = await serverNow(file.pool);
    const finishedAt = (await driver.inspect({ queue, id: done.id }))?.finishedAt ?? 0;
    const deadAt = (await driver.inspect({ queue, id: dead.id }))?.dlqFailedAt ?? 0;
    for (const time of [finishedAt, deadAt]) {
      expect(time).toBeGreaterThanOrEqual(before);
      expect(time).toBeLessThanOrEqual(after);
    }
  });

  it('retry and snooze decide ready or scheduled by the caller clock, as runAt is on it', async () => {
    const driver = await file.driver({ leaseClock: 'server' });
    const queue = uniqueQueue();
    const retried = newJob(queue, { createdAt: 0 });
    const snoozed = newJob(queue, { createdAt: 0 });
    await driver.enqueueMany([retried, snoozed], 0);
    const callerNow = (await serverNow(file.pool)) + 2 * HOUR;
    const [first, second] = (await driver.reserve({ queue, limit: 2, leaseMs: 30_000, now: callerNow })).jobs;
    await driver.retry(first!.lease, { attempts: 1, failedAt: callerNow, runAt: callerNow }, callerNow);
    await driver.snooze(second!.lease, callerNow, callerNow);
    expect((await driver.inspect({ queue, id: retried.id }))?.status).toBe('ready');
    expect((await driver.inspect({ queue, id: snoozed.id }))?.status).toBe('ready');
  });

  it('advanceSchedule checks the lease it holds by the server clock', async () => {
    const driver = await file.driver({ leaseClock: 'server' });
    const queue = uniqueQueue();
    const name = `clock-${randomBytes(4).toString('hex')}`;
    const schedule = buildScheduleSpec(name, { everyMs: 60_000, type: 'pg.tick', queue, payload: {} }, { codec: jsonCodec, queue, maxAttempts: 3 });
    // A tick already due by the server clock.
    const putAt = (await serverNow(file.pool)) - 120_000;
    const nextRunAt = nextTick(schedule, putAt) as number;
    await driver.putSchedule({ schedule, now: putAt, nextRunAt, occurrence: occurrenceJob(schedule, nextRunAt, putAt) });
    const record = (await driver.getSchedule(name)) as ScheduleRecord;
    const { jobs } = await driver.reserve({ queue, limit: 1, leaseMs: 60_000, now: 0 });
    const lease = jobs[0]!.lease;
    // Planned at the tick (the held occurrence stays), sent by a caller two hours ahead: the lease is still valid.
    const ahead = advanceRequest(record, planAdvance(record, nextRunAt, 'held'), nextRunAt + 2 * HOUR, lease);
    expect(ahead.dropCurrent).toBe(false);
    expect(await driver.advanceSchedule(ahead)).toEqual({ advanced: true });

    // Ended by the server clock, sent by a caller for whom it has not ended: refused.
    const next = (await driver.getSchedule(name)) as ScheduleRecord;
    const tick = next.nextRunAt as number;
    await expireOnServer(queue, lease.jobId);
    const error = await driver.advanceSchedule(advanceRequest(next, planAdvance(next, tick, 'held'), tick, lease)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LeaseExpiredError);
    expect((await driver.getSchedule(name))?.version).toBe(next.version);
  });

  it('drivers of both clocks share one pool (each statement text under its own name)', async () => {
    const caller = new PostgresDriver({ pool: file.pool, schema: file.schema });
    const server = new PostgresDriver({ pool: file.pool, schema: file.schema, leaseClock: 'server' });
    try {
      const queue = uniqueQueue();
      // The caller-clock driver on the database's time, so the other does not take its leases as long expired.
      const now = await serverNow(file.pool);
      await caller.enqueueMany([newJob(queue, { createdAt: 0 }), newJob(queue, { createdAt: 0 })], now);
      // Several rounds, so both texts meet the same pooled connections.
      for (let round = 0; round < 4; round++) {
        const [a] = (await caller.reserve({ queue, limit: 1, leaseMs: 60_000, now })).jobs;
        const [b] = (await server.reserve({ queue, limit: 1, leaseMs: 60_000, now: 0 })).jobs;
        expect(b?.job.id).not.toBe(a?.job.id);
        await caller.release(a!.lease, now);
        await server.release(b!.lease, 0);
      }
      expect((await caller.counts(queue)).ready).toBe(2);
    } finally {
      await caller.close();
      await server.close();
    }
  });
});
