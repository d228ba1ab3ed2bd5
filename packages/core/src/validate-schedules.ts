import { ValidationError } from './errors.js';
import type { NewJobRecord } from './job.js';
import { CATCH_UP_ALL_LIMIT, MAX_SCHEDULE_PAGE } from './limits.js';
import { validateScheduleSpec } from './schedule-definition.js';
import { occurrenceJobId } from './schedule-plan.js';
import type { AdvanceScheduleRequest, PutScheduleRequest, ScheduleListRequest, TriggerScheduleOptions } from './schedule-types.js';
import { validateCount, validateLease, validateNewJobRecord, validateNow, validateScheduleName, validateTime } from './validate.js';

/**
 * Checks of the arguments of the schedules family. Drivers call them first,
 * so every driver refuses the same input with the same error before
 * anything is written.
 */

function requireObject(field: string, value: unknown): void {
  if (typeof value !== 'object' || value === null) throw new ValidationError(field, 'expected an object');
}

/** A schedule name given on its own (remove, get, trigger, pause, resume). */
export function validateScheduleRef(name: unknown): asserts name is string {
  validateScheduleName('name', name);
}

/** An occurrence must be the job occurrenceJob makes for its schedule and tick. */
function validateOccurrence(field: string, job: NewJobRecord, name: string, queue: string | undefined): void {
  requireObject(field, job);
  validateNewJobRecord(job);
  if (job.schedule !== name || job.scheduledFor === undefined) {
    throw new ValidationError(field, `job ${job.id} is not an occurrence of schedule ${name} (schedule and scheduledFor must name it)`);
  }
  if (job.id !== occurrenceJobId(name, job.scheduledFor) || job.runAt !== job.scheduledFor) {
    throw new ValidationError(field, `job ${job.id} is not the occurrence of its tick; build it with occurrenceJob`);
  }
  if (queue !== undefined && job.queue !== queue) {
    throw new ValidationError(field, `job ${job.id} is in queue ${job.queue}, the schedule in ${queue}`);
  }
}

export function validatePutScheduleRequest(request: PutScheduleRequest): void {
  requireObject('request', request);
  validateNow(request.now);
  validateScheduleSpec(request.schedule);
  const { schedule, nextRunAt, occurrence } = request;
  if (nextRunAt === undefined) {
    if (occurrence !== undefined) throw new ValidationError('occurrence', 'give an occurrence only with nextRunAt');
    return;
  }
  validateTime('nextRunAt', nextRunAt);
  if (occurrence === undefined) throw new ValidationError('occurrence', 'nextRunAt needs its pending occurrence');
  validateOccurrence('occurrence', occurrence, schedule.name, schedule.queue);
  if (occurrence.scheduledFor !== nextRunAt) throw new ValidationError('occurrence', 'the occurrence must be the one for nextRunAt');
}

/**
 * Checks the shape of an advance. The queue of its occurrences is checked
 * against the stored schedule by the driver (ValidationError, field
 * `occurrences`), before it writes anything.
 */
export function validateAdvanceScheduleRequest(request: AdvanceScheduleRequest): void {
  requireObject('request', request);
  validateScheduleName('name', request.name);
  validateCount('version', request.version, 0);
  validateTime('from', request.from);
  validateNow(request.now);
  if (request.lease !== undefined) validateLease(request.lease);
  if (typeof request.dropCurrent !== 'boolean') throw new ValidationError('dropCurrent', 'expected a boolean');
  if (request.dropCurrent && request.lease === undefined) throw new ValidationError('dropCurrent', 'only the holder of the pending occurrence (a lease) can drop it');
  if (request.nextRunAt !== undefined) validateTime('nextRunAt', request.nextRunAt);
  if (request.lastRunAt !== undefined) validateTime('lastRunAt', request.lastRunAt);
  validateCount('runs', request.runs, 0);
  if (!Array.isArray(request.occurrences)) throw new ValidationError('occurrences', 'expected an array');
  if (request.occurrences.length > CATCH_UP_ALL_LIMIT + 1) {
    throw new ValidationError('occurrences', `at most ${CATCH_UP_ALL_LIMIT + 1} (the catch-up limit and the pending one), got ${request.occurrences.length}`);
  }
  const queue = request.occurrences[0]?.queue;
  for (const job of request.occurrences) validateOccurrence('occurrences', job, request.name, queue);
  if (request.nextRunAt !== undefined && !request.occurrences.some((job) => job.scheduledFor === request.nextRunAt)) {
    throw new ValidationError('occurrences', 'must hold the pending occurrence for nextRunAt');
  }
}

export function validateScheduleListRequest(request: ScheduleListRequest | undefined): void {
  if (request === undefined) return;
  requireObject('request', request);
  const { limit, cursor } = request;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > MAX_SCHEDULE_PAGE)) {
    throw new ValidationError('limit', `expected an integer from 1 to ${MAX_SCHEDULE_PAGE}, got ${String(limit)}`);
  }
  if (cursor !== undefined && typeof cursor !== 'string') throw new ValidationError('cursor', 'expected the nextCursor of an earlier page');
}

export function validateTriggerOptions(options: TriggerScheduleOptions): void {
  requireObject('options', options);
  validateNow(options.now);
}
