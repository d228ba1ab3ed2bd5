import { ValidationError } from './errors.js';
import { nextTick } from './schedule-cadence.js';
import { occurrenceJob } from './schedule-plan.js';
import type { PutScheduleRequest, ScheduleResult, ScheduleSpec } from './schedule-types.js';
import type { Schedules } from './schedules.js';

/**
 * Stores a validated spec with its first pending occurrence. A schedule of
 * the same name in another queue is removed first: drivers keep each
 * schedule with its queue (one Redis Cluster slot), so a move is a remove
 * and a create, and no tick of the old queue fires once this returns.
 */
export async function storeSchedule(driver: Schedules, spec: ScheduleSpec, now: number): Promise<ScheduleResult> {
  const nextRunAt = nextTick(spec, now);
  if (nextRunAt === undefined && spec.endAt === undefined) {
    throw new ValidationError(spec.cron === undefined ? 'startAt' : 'cron', 'the schedule has no tick after now');
  }
  const request: PutScheduleRequest = { schedule: spec, now };
  if (nextRunAt !== undefined) {
    request.nextRunAt = nextRunAt;
    request.occurrence = occurrenceJob(spec, nextRunAt, now);
  }
  const stored = await driver.getSchedule(spec.name);
  if (stored !== undefined && stored.queue !== spec.queue) await driver.removeSchedule(spec.name);
  const { status, schedule } = await driver.putSchedule(request);
  return schedule.nextRunAt === undefined ? { status } : { status, nextRunAt: schedule.nextRunAt };
}
