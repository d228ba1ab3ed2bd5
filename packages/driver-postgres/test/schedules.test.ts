import { randomBytes } from 'node:crypto';
import {
  type AdvanceScheduleRequest,
  advanceRequest,
  buildScheduleSpec,
  jsonCodec,
  nextTick,
  occurrenceJobId,
  occurrenceJob,
  OutcomeUnknownError,
  type PendingState,
  type PutScheduleRequest,
  planAdvance,
  type ScheduleDefinition,
  type ScheduleRecord,
  type ScheduleSpec,
} from '@taskharbor/core';
import type pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import type { PostgresDriver } from '../src/index.js';
import { SKIP_POSTGRES, T0, uniqueQueue, usePostgresFile } from './support/postgres-env.js';

const MINUTE = 60_000;
const LEASE_MS = 5 * MINUTE;

/**
 * What is PostgreSQL's own risk in the schedules family: callers on
 * different connections changing one schedule at the same moment, and
 * several statements of one transaction on the same rows. Each race is made
 * certain by holding the lock the calls queue on from a connection of the
 * test's own, waiting until every call waits on it, and then letting go.
 */
describe.skipIf(SKIP_POSTGRES)('schedules on PostgreSQL', () => {
  const file = usePostgresFile('schedules');
  const holders: pg.PoolClient[] = [];

  afterEach(async () => {
    for (const holder of holders.splice(0)) {
      await holder.query('ROLLBACK').catch(() => undefined);
      holder.release();
    }
  });

  function spec(queue: string, name: string, definition: Partial<ScheduleDefinition> = {}): ScheduleSpec {
    return buildScheduleSpec(name, { everyMs: MINUTE, type: 'pg.tick', queue, payload: { n: 1 }, ...definition }, { codec: jsonCodec, queue, maxAttempts: 3 });
  }

  function putRequest(schedule: ScheduleSpec, now: number): PutScheduleRequest {
    const nextRunAt = nextTick(schedule, now) as number;
    return { schedule, now, nextRunAt, occurrence: occurrenceJob(schedule, nextRunAt, now) };
  }

  function advance(record: ScheduleRecord, now: number, pending: PendingState, lease?: AdvanceScheduleRequest['lease']): AdvanceScheduleRequest {
    return advanceRequest(record, planAdvance(record, now, pending), now, lease);
  }

  /** Takes, from a connection of the test's own, the row lock of the schedule (or the advisory lock a put takes on its name). */
  async function hold(sql: string, values: unknown[]): Promise<void> {
    const holder = await file.pool.connect();
    holders.push(holder);
    await holder.query('BEGIN');
    await holder.query(sql, values);
  }

  const holdScheduleRow = (name: string) => hold(`SELECT 1 FROM "${file.schema}".schedules WHERE name = $1 FOR UPDATE`, [name]);
  const holdScheduleName = (name: string) =>
    hold("SELECT pg_advisory_xact_lock(hashtextextended($1 || ' schedule ' || $2, 0))", [`taskharbor:${file.schema}`, name]);

  /** Lets go of every lock the test holds. */
  async function letGo(): Promise<void> {
    for (const holder of holders.splice(0)) {
      await holder.query('COMMIT');
      holder.release();
    }
  }

  /** The backends of this file's schema that wait on a lock. */
  async function lockWaiters(): Promise<{ pid: number }[]> {
    const { rows } = await file.pool.query(
      "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND position($1 in query) > 0",
      [file.schema],
    );
    return rows;
  }

  /** Resolves once `count` statements of this schema wait on a lock; the calls are then certain to overlap. */
  async function untilWaiting(count: number): Promise<{ pid: number }[]> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const waiting = await lockWaiters();
      if (waiting.length >= count) return waiting;
      if (Date.now() > deadline) throw new Error(`expected ${count} statements waiting on a lock, saw ${waiting.length}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async function jobIds(driver: PostgresDriver, queue: string, status?: 'ready' | 'scheduled' | 'inflight' | 'cancelled'): Promise<string[]> {
    const { jobs } = await driver.list(status === undefined ? { queue, limit: 1000 } : { queue, status, limit: 1000 });
    return jobs.map((job) => job.id).sort();
  }

  it('advances_of_one_tick_from_several_connections_at_once_apply_exactly_once', async () => {
    const drivers = await Promise.all([file.driver(), file.driver(), file.driver()]);
    const [first] = drivers as [PostgresDriver, ...PostgresDriver[]];
    const queue = uniqueQueue();
    const name = `race-${randomBytes(4).toString('hex')}`;
    await first.putSchedule(putRequest(spec(queue, name, { catchUp: 'all' }), T0));
    const record = (await first.getSchedule(name)) as ScheduleRecord;
    const tick = record.nextRunAt as number;
    const now = tick + 3 * MINUTE;
    const { jobs } = await first.reserve({ queue, limit: 1, leaseMs: LEASE_MS, now });
    const request = advance(record, now, 'held', jobs[0]?.lease);
    expect(request.occurrences).toHaveLength(4);

    await holdScheduleRow(name);
    const calls = drivers.flatMap((driver) => [driver.advanceSchedule(request), driver.advanceSchedule(request)]);
    await untilWaiting(calls.length);
    await letGo();
    const results = await Promise.all(calls);

    expect(results.filter((result) => result.advanced)).toHaveLength(1);
    expect(await first.getSchedule(name)).toEqual({
      ...record,
      nextRunAt: tick + 4 * MINUTE,
      lastRunAt: tick + 3 * MINUTE,
      runs: 4,
      version: record.version + 1,
      updatedAt: now,
    });
    const due = [1, 2, 3].map((n) => occurrenceJobId(name, tick + n * MINUTE));
    expect(await jobIds(first, queue, 'ready')).toEqual(due.sort());
    expect(await jobIds(first, queue, 'scheduled')).toEqual([occurrenceJobId(name, tick + 4 * MINUTE)]);
    expect(await jobIds(first, queue, 'inflight')).toEqual([occurrenceJobId(name, tick)]);
  });

  it('repairs_of_one_tick_from_several_connections_at_once_apply_exactly_once', async () => {
    const drivers = await Promise.all([file.driver(), file.driver(), file.driver()]);
    const [first] = drivers as [PostgresDriver, ...PostgresDriver[]];
    const queue = uniqueQueue();
    const name = `repair-${randomBytes(4).toString('hex')}`;
    await first.putSchedule(putRequest(spec(queue, name), T0));
    const record = (await first.getSchedule(name)) as ScheduleRecord;
    const tick = record.nextRunAt as number;
    const { jobs } = await first.reserve({ queue, limit: 1, leaseMs: LEASE_MS, now: tick });
    await first.cancel({ queue, id: occurrenceJobId(name, tick) }, { now: tick });
    await first.ack(jobs[0]?.lease as NonNullable<AdvanceScheduleRequest['lease']>, tick);
    // The occurrence finished without moving the schedule on: every process's periodic check plans the same repair.
    const request = advance(record, tick + 10_000, 'finished');

    await holdScheduleRow(name);
    const calls = drivers.map((driver) => driver.advanceSchedule(request));
    await untilWaiting(calls.length);
    await letGo();
    const results = await Promise.all(calls);

    expect(results.filter((result) => result.advanced)).toHaveLength(1);
    expect(await first.getSchedule(name)).toMatchObject({ version: record.version + 1, nextRunAt: tick + MINUTE, runs: 0 });
    expect(await jobIds(first, queue, 'scheduled')).toEqual([occurrenceJobId(name, tick + MINUTE)]);
    expect(await jobIds(first, queue, 'cancelled')).toEqual([occurrenceJobId(name, tick)]);
    expect(await jobIds(first, queue)).toHaveLength(2);
  });

  it('puts_of_a_new_name_from_two_connections_create_it_once_and_leave_one_pending_occurrence', async () => {
    const [one, two] = (await Promise.all([file.driver(), file.driver()])) as [PostgresDriver, PostgresDriver];
    const queue = uniqueQueue();
    const name = `put-${randomBytes(4).toString('hex')}`;
    const now = T0 + 30_000;
    const everyMinute = putRequest(spec(queue, name), now);
    const everyTwoMinutes = putRequest(spec(queue, name, { everyMs: 2 * MINUTE }), now);
    expect(everyMinute.nextRunAt).not.toBe(everyTwoMinutes.nextRunAt);

    await holdScheduleName(name);
    const calls = [one.putSchedule(everyMinute), two.putSchedule(everyTwoMinutes)];
    await untilWaiting(2);
    await letGo();
    const results = await Promise.all(calls);

    expect(results.map((result) => result.status).sort()).toEqual(['created', 'replaced']);
    const last = results.find((result) => result.status === 'replaced')?.schedule as ScheduleRecord;
    expect(last.version).toBe(2);
    expect(await one.getSchedule(name)).toEqual(last);
    expect(await jobIds(one, queue)).toEqual([occurrenceJobId(name, last.nextRunAt as number)]);
  });

  it('puts_of_the_same_definition_from_two_connections_store_it_once', async () => {
    const [one, two] = (await Promise.all([file.driver(), file.driver()])) as [PostgresDriver, PostgresDriver];
    const queue = uniqueQueue();
    const name = `boot-${randomBytes(4).toString('hex')}`;
    const request = putRequest(spec(queue, name), T0);

    await holdScheduleName(name);
    const calls = [one.putSchedule(request), two.putSchedule(request)];
    await untilWaiting(2);
    await letGo();
    const results = await Promise.all(calls);

    expect(results.map((result) => result.status).sort()).toEqual(['created', 'unchanged']);
    expect(results[0]?.schedule).toEqual(results[1]?.schedule);
    expect(results[0]?.schedule.version).toBe(1);
    expect(await jobIds(one, queue)).toEqual([occurrenceJobId(name, request.nextRunAt as number)]);
  });

  it('an_advance_and_a_replace_at_once_never_deadlock_and_leave_one_pending_occurrence', async () => {
    const [one, two] = (await Promise.all([file.driver(), file.driver()])) as [PostgresDriver, PostgresDriver];
    const queue = uniqueQueue();
    const name = `swap-${randomBytes(4).toString('hex')}`;
    await one.putSchedule(putRequest(spec(queue, name), T0));
    const record = (await one.getSchedule(name)) as ScheduleRecord;
    const tick = record.nextRunAt as number;
    const { jobs } = await one.reserve({ queue, limit: 1, leaseMs: LEASE_MS, now: tick });
    const advanceCall = advance(record, tick, 'held', jobs[0]?.lease);
    const replace = putRequest(spec(queue, name, { everyMs: 5 * MINUTE }), tick);

    await holdScheduleRow(name);
    const calls = [one.advanceSchedule(advanceCall), two.putSchedule(replace)] as const;
    await untilWaiting(2);
    await letGo();
    const [advanced, replaced] = await Promise.all(calls);

    expect(replaced.status).toBe('replaced');
    const stored = (await one.getSchedule(name)) as ScheduleRecord;
    expect(stored.version).toBe(advanced.advanced ? record.version + 2 : record.version + 1);
    expect(stored.nextRunAt).toBe(replace.nextRunAt);
    // Whichever went first, the replace's occurrence is the one pending one; the held one runs on.
    expect(await jobIds(one, queue, 'scheduled')).toEqual([occurrenceJobId(name, replace.nextRunAt as number)]);
    expect(await jobIds(one, queue, 'inflight')).toEqual([occurrenceJobId(name, tick)]);
  });

  it('a_replace_whose_next_tick_is_the_same_swaps_the_waiting_occurrence_for_the_new_definition', async () => {
    const driver = await file.driver();
    const queue = uniqueQueue();
    const name = `same-${randomBytes(4).toString('hex')}`;
    await driver.putSchedule(putRequest(spec(queue, name, { payload: { n: 1 } }), T0));
    // Same cadence, new payload: the put deletes `<name>@<tick>` and stores it again in one transaction.
    const replace = putRequest(spec(queue, name, { payload: { n: 2 } }), T0 + 1_000);
    const { status, schedule } = await driver.putSchedule(replace);
    expect({ status, nextRunAt: schedule.nextRunAt }).toEqual({ status: 'replaced', nextRunAt: T0 + MINUTE });
    const pending = await driver.inspect({ queue, id: occurrenceJobId(name, T0 + MINUTE) });
    expect(pending).toMatchObject({ status: 'scheduled', createdAt: T0 + 1_000 });
    expect(jsonCodec.decode(pending?.payload as Uint8Array)).toEqual({ n: 2 });
    expect(await jobIds(driver, queue)).toHaveLength(1);
  });

  it('a_connection_lost_inside_an_advance_changes_nothing_and_the_next_advance_applies', async () => {
    const driver = await file.driver();
    const queue = uniqueQueue();
    const name = `lost-${randomBytes(4).toString('hex')}`;
    await driver.putSchedule(putRequest(spec(queue, name), T0));
    const record = (await driver.getSchedule(name)) as ScheduleRecord;
    const tick = record.nextRunAt as number;
    const { jobs } = await driver.reserve({ queue, limit: 1, leaseMs: LEASE_MS, now: tick });
    const request = advance(record, tick, 'held', jobs[0]?.lease);

    await holdScheduleRow(name);
    const call = driver.advanceSchedule(request).catch((error: unknown) => error);
    const [waiting] = await untilWaiting(1);
    await file.pool.query('SELECT pg_terminate_backend($1)', [waiting?.pid]);
    const error = await call;
    await letGo();

    // Cut before COMMIT, so the server rolled it back: a plain connection error, not an unknown outcome.
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(OutcomeUnknownError);
    expect(await driver.getSchedule(name)).toEqual(record);
    expect(await jobIds(driver, queue)).toEqual([occurrenceJobId(name, tick)]);
    expect(await driver.advanceSchedule(request)).toEqual({ advanced: true });
    expect(await jobIds(driver, queue, 'scheduled')).toEqual([occurrenceJobId(name, tick + MINUTE)]);
  });
});
