import { randomBytes } from 'node:crypto';
import {
  type AdvanceScheduleRequest,
  advanceRequest,
  buildScheduleSpec,
  jsonCodec,
  nextTick,
  occurrenceJob,
  occurrenceJobId,
  type PendingState,
  type PutScheduleRequest,
  planAdvance,
  type ReservedJob,
  requireSchedules,
  type ScheduleDefinition,
  type ScheduleRecord,
  type Schedules,
  type ScheduleSpec,
} from '@taskharbor/core';
import { expect } from 'vitest';
import { LEASE_MS } from './fixtures.js';
import type { ConformanceDriver, Harness } from './setup.js';

/** The driver of a case that tests schedules. */
export type SchedulesDriver = ConformanceDriver & Schedules;

export const MINUTE = 60_000;

/** The harness's driver as a schedules driver; the schedule cases only run on drivers that declare it. */
export function scheduling(h: Harness): SchedulesDriver {
  return requireSchedules(h.driver, 'run the schedule cases');
}

/** A schedule name no other case uses: schedules are not per queue, so drivers on a shared server need unique names. */
export function scheduleName(): string {
  return `s-${randomBytes(6).toString('hex')}`;
}

/** A valid spec in the harness queue: every minute, type `conformance.tick`; overrides replace any field of the definition. */
export function scheduleSpec(h: Harness, overrides: Partial<ScheduleDefinition> = {}, name = scheduleName()): ScheduleSpec {
  const definition: ScheduleDefinition = { everyMs: MINUTE, type: 'conformance.tick', queue: h.queue, payload: { n: 1 }, ...overrides };
  return buildScheduleSpec(name, definition, { codec: jsonCodec, queue: h.queue, maxAttempts: 3 });
}

/** The put a client makes for the spec at the clock's now: the first tick after now and its occurrence. */
export function putRequest(h: Harness, spec: ScheduleSpec): PutScheduleRequest {
  const now = h.clock.now();
  const nextRunAt = nextTick(spec, now);
  const request: PutScheduleRequest = { schedule: spec, now };
  if (nextRunAt !== undefined) {
    request.nextRunAt = nextRunAt;
    request.occurrence = occurrenceJob(spec, nextRunAt, now);
  }
  return request;
}

/** The stored schedule, which the case expects to exist. */
export async function storedSchedule(h: Harness, name: string): Promise<ScheduleRecord> {
  const record = await scheduling(h).getSchedule(name);
  if (record === undefined) return expect.fail(`schedule ${name} should be stored`);
  return record;
}

/** Puts a fresh schedule (see scheduleSpec) and returns it as stored. */
export async function putSchedule(h: Harness, overrides: Partial<ScheduleDefinition> = {}): Promise<ScheduleRecord> {
  const spec = scheduleSpec(h, overrides);
  await scheduling(h).putSchedule(putRequest(h, spec));
  return storedSchedule(h, spec.name);
}

/** The admin reference of a schedule's occurrence for one tick. */
export function occurrenceRef(record: ScheduleRecord, tick: number): { queue: string; id: string } {
  return { queue: record.queue, id: occurrenceJobId(record.name, tick) };
}

/**
 * Moves the clock to the schedule's pending tick (or to `at`, later) and
 * reserves its occurrence; throws when reserve hands out anything else.
 */
export async function reservePending(h: Harness, record: ScheduleRecord, at = record.nextRunAt as number): Promise<ReservedJob> {
  await h.clock.advanceTo(at);
  const { jobs } = await h.driver.reserve({ queue: record.queue, limit: 1, leaseMs: LEASE_MS, now: h.clock.now() });
  const expected = occurrenceJobId(record.name, record.nextRunAt as number);
  const reserved = jobs[0];
  if (jobs.length !== 1 || reserved === undefined || reserved.job.id !== expected) {
    throw new Error(`fixture: reserve should have handed out ${expected}, got ${jobs.map((r) => r.job.id).join(', ') || 'nothing'}`);
  }
  return reserved;
}

/** The advance a worker makes for the record at the clock's now: the plan of core's planner, as a request. */
export function plannedAdvance(h: Harness, record: ScheduleRecord, pending: PendingState, reserved?: ReservedJob): AdvanceScheduleRequest {
  const now = h.clock.now();
  return advanceRequest(record, planAdvance(record, now, pending), now, reserved?.lease);
}
