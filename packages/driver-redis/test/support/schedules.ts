import { randomBytes } from 'node:crypto';
import {
  buildScheduleSpec,
  jsonCodec,
  nextTick,
  occurrenceJob,
  type PutScheduleRequest,
  type ScheduleDefinition,
  type ScheduleSpec,
} from '@taskharbor/core';

export const MINUTE = 60_000;

/** A schedule name no other test uses. */
export function uniqueScheduleName(): string {
  return `s-${randomBytes(6).toString('hex')}`;
}

/** A valid spec: every minute in `queue`, type `test.tick`; overrides replace any field of the definition. */
export function specIn(queue: string, name = uniqueScheduleName(), overrides: Partial<ScheduleDefinition> = {}): ScheduleSpec {
  const definition: ScheduleDefinition = { everyMs: MINUTE, type: 'test.tick', queue, payload: { n: 1 }, ...overrides };
  return buildScheduleSpec(name, definition, { codec: jsonCodec, queue, maxAttempts: 3 });
}

/** The put a client makes at `now`: the first tick after now and its occurrence. */
export function putAt(spec: ScheduleSpec, now: number): PutScheduleRequest {
  const nextRunAt = nextTick(spec, now);
  if (nextRunAt === undefined) return { schedule: spec, now };
  return { schedule: spec, now, nextRunAt, occurrence: occurrenceJob(spec, nextRunAt, now) };
}
