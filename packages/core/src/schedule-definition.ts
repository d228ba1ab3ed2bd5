import { createHash } from 'node:crypto';
import { type Codec, encodePayload } from './codec.js';
import { ValidationError } from './errors.js';
import { MIN_SCHEDULE_INTERVAL_MS } from './limits.js';
import { validateCron, validateTimezone } from './schedule-cadence.js';
import { CATCH_UP_POLICIES, type CatchUpPolicy, type ScheduleDefinition, type ScheduleSpec } from './schedule-types.js';
import { validateCount, validateDuration, validateName, validatePayloadBytes, validateScheduleName, validateTime } from './validate.js';

const DEFINITION_KEYS = new Set(['cron', 'everyMs', 'timezone', 'type', 'payload', 'queue', 'jobOptions', 'startAt', 'endAt', 'limit', 'catchUp']);
const JOB_OPTION_KEYS = new Set(['maxAttempts', 'timeoutMs']);

/** What the client fills in for a definition that leaves it out. */
export interface ScheduleDefaults {
  codec: Codec;
  queue: string;
  maxAttempts: number;
}

function requireKnownKeys(field: string, value: object, known: Set<string>): void {
  for (const key of Object.keys(value)) {
    if (!known.has(key) && (value as Record<string, unknown>)[key] !== undefined) {
      throw new ValidationError(`${field}${key}`, `not a schedule option; known: ${[...known].join(', ')}`);
    }
  }
}

function toTime(field: string, value: Date | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = value instanceof Date ? value.getTime() : value;
  validateTime(field, ms);
  return ms;
}

/** The fingerprint of a definition: equal exactly when every stored field is equal. */
export function scheduleRevision(spec: Omit<ScheduleSpec, 'revision'>): string {
  const hash = createHash('sha256');
  const fields = [
    spec.name,
    spec.queue,
    spec.type,
    spec.cron ?? null,
    spec.everyMs ?? null,
    spec.timezone,
    spec.startAt ?? null,
    spec.endAt ?? null,
    spec.limit ?? null,
    spec.catchUp,
    spec.maxAttempts,
    spec.timeoutMs ?? null,
  ];
  hash.update(JSON.stringify(fields));
  hash.update(spec.payload);
  return hash.digest('hex').slice(0, 32);
}

/** Checks the cadence fields every schedule shares, whether from a user's definition or a stored spec. */
function validateCadence(spec: Pick<ScheduleSpec, 'cron' | 'everyMs' | 'timezone' | 'startAt' | 'endAt' | 'limit' | 'catchUp'>): void {
  if ((spec.cron === undefined) === (spec.everyMs === undefined)) {
    throw new ValidationError('cron', 'give cron or everyMs, exactly one of them');
  }
  validateTimezone(spec.timezone);
  if (spec.cron !== undefined) validateCron(spec.cron, spec.timezone);
  if (spec.everyMs !== undefined) {
    validateDuration('everyMs', spec.everyMs);
    if (spec.everyMs < MIN_SCHEDULE_INTERVAL_MS) {
      throw new ValidationError('everyMs', `${spec.everyMs} ms is below the minimum of ${MIN_SCHEDULE_INTERVAL_MS} ms`);
    }
    if (spec.timezone !== 'UTC') throw new ValidationError('timezone', 'a time zone applies to cron only; everyMs ticks in absolute time');
  }
  if (spec.startAt !== undefined) validateTime('startAt', spec.startAt);
  if (spec.endAt !== undefined) validateTime('endAt', spec.endAt);
  if (spec.startAt !== undefined && spec.endAt !== undefined && spec.endAt < spec.startAt) {
    throw new ValidationError('endAt', `endAt (${new Date(spec.endAt).toISOString()}) is before startAt (${new Date(spec.startAt).toISOString()})`);
  }
  if (spec.limit !== undefined) validateCount('limit', spec.limit, 1);
  if (!CATCH_UP_POLICIES.includes(spec.catchUp)) {
    throw new ValidationError('catchUp', `expected one of ${CATCH_UP_POLICIES.join(', ')}, got ${String(spec.catchUp)}`);
  }
}

/**
 * Validates a user's definition and makes the spec a driver stores: the
 * payload encoded, the queue, time zone, catch-up policy and maxAttempts
 * filled in, the revision computed. Throws ValidationError (naming the
 * field) before anything is stored.
 */
export function buildScheduleSpec(name: string, definition: ScheduleDefinition, defaults: ScheduleDefaults): ScheduleSpec {
  validateScheduleName('name', name);
  if (typeof definition !== 'object' || definition === null) throw new ValidationError('definition', 'expected an object');
  requireKnownKeys('', definition, DEFINITION_KEYS);
  const jobOptions = definition.jobOptions ?? {};
  if (typeof jobOptions !== 'object' || jobOptions === null) throw new ValidationError('jobOptions', 'expected an object');
  requireKnownKeys('jobOptions.', jobOptions, JOB_OPTION_KEYS);
  validateName('type', definition.type);
  const spec: Omit<ScheduleSpec, 'revision'> = {
    name,
    queue: definition.queue ?? defaults.queue,
    type: definition.type,
    payload: encodePayload(defaults.codec, definition.payload),
    timezone: definition.timezone ?? 'UTC',
    catchUp: (definition.catchUp ?? 'latest') as CatchUpPolicy,
    maxAttempts: jobOptions.maxAttempts ?? defaults.maxAttempts,
  };
  if (definition.cron !== undefined) spec.cron = typeof definition.cron === 'string' ? definition.cron.trim() : definition.cron;
  if (definition.everyMs !== undefined) spec.everyMs = definition.everyMs;
  const startAt = toTime('startAt', definition.startAt);
  const endAt = toTime('endAt', definition.endAt);
  if (startAt !== undefined) spec.startAt = startAt;
  if (endAt !== undefined) spec.endAt = endAt;
  if (definition.limit !== undefined) spec.limit = definition.limit;
  if (jobOptions.timeoutMs !== undefined) spec.timeoutMs = jobOptions.timeoutMs;
  validateSpecFields(spec);
  return { ...spec, revision: scheduleRevision(spec) };
}

function validateSpecFields(spec: Omit<ScheduleSpec, 'revision'>): void {
  validateScheduleName('name', spec.name);
  validateName('queue', spec.queue);
  validateName('type', spec.type);
  validatePayloadBytes(spec.payload);
  validateCadence(spec);
  validateCount('maxAttempts', spec.maxAttempts, 1);
  if (spec.timeoutMs !== undefined) validateDuration('timeoutMs', spec.timeoutMs);
}

/** Checks a spec a driver is asked to store (drivers call it first). */
export function validateScheduleSpec(spec: ScheduleSpec): void {
  if (typeof spec !== 'object' || spec === null) throw new ValidationError('schedule', 'expected an object');
  validateSpecFields(spec);
  if (typeof spec.revision !== 'string' || spec.revision === '') throw new ValidationError('revision', 'expected the spec\'s fingerprint (scheduleRevision)');
}
