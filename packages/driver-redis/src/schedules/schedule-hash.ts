import { CATCH_UP_POLICIES, type CatchUpPolicy, type ScheduleRecord, type ScheduleSpec } from '@taskharbor/core';
import type { JobHash } from '../job-hash.js';
import { payloadArg } from '../lua/job-args.js';
import type { ScriptArg } from '../lua/script.js';
import { msToNano, nanoToMs } from '../nano.js';

/**
 * The fields of a schedule hash (`<prefix>:{<queue>}:schedule:<name>`).
 * Times and durations are nanosecond strings, as in the job hash; unset
 * optional values have no field. docs/redis.md lists them.
 */
export const ScheduleField = {
  name: 'name',
  queue: 'queue',
  type: 'type',
  payload: 'payload',
  cron: 'cron',
  every: 'every_nano',
  timezone: 'timezone',
  startAt: 'start_at_nano',
  endAt: 'end_at_nano',
  limit: 'limit',
  catchUp: 'catch_up',
  maxAttempts: 'max_attempts',
  timeout: 'timeout_nano',
  revision: 'revision',
  /** `1` or `0`. */
  paused: 'paused',
  nextRunAt: 'next_run_at_nano',
  /** occurrenceJobId(name, nextRunAt), kept beside it so the scripts need not format dates. */
  pendingJob: 'pending_job',
  lastRunAt: 'last_run_at_nano',
  runs: 'runs',
  version: 'version',
  createdAt: 'created_at_nano',
  updatedAt: 'updated_at_nano',
  /** The token of the put that wrote the record; its global index entry carries the same (see schedule-index.ts). */
  claim: 'claim',
} as const;

/** The definition's fields as (field, value) pairs for HSET; unset ones are left out. */
export function specPairs(spec: ScheduleSpec): ScriptArg[] {
  const pairs: ScriptArg[] = [
    ScheduleField.name,
    spec.name,
    ScheduleField.queue,
    spec.queue,
    ScheduleField.type,
    spec.type,
    ScheduleField.payload,
    payloadArg(spec.payload),
    ScheduleField.timezone,
    spec.timezone,
    ScheduleField.catchUp,
    spec.catchUp,
    ScheduleField.maxAttempts,
    String(spec.maxAttempts),
    ScheduleField.revision,
    spec.revision,
  ];
  const optional: [string, string | undefined][] = [
    [ScheduleField.cron, spec.cron],
    [ScheduleField.every, spec.everyMs === undefined ? undefined : msToNano(spec.everyMs)],
    [ScheduleField.startAt, spec.startAt === undefined ? undefined : msToNano(spec.startAt)],
    [ScheduleField.endAt, spec.endAt === undefined ? undefined : msToNano(spec.endAt)],
    [ScheduleField.limit, spec.limit === undefined ? undefined : String(spec.limit)],
    [ScheduleField.timeout, spec.timeoutMs === undefined ? undefined : msToNano(spec.timeoutMs)],
  ];
  for (const [field, value] of optional) if (value !== undefined) pairs.push(field, value);
  return pairs;
}

function text(hash: JobHash, field: string): string | undefined {
  return hash.get(field)?.toString('utf8');
}

function required(hash: JobHash, field: string): string {
  const value = text(hash, field);
  if (value === undefined) throw new Error(`a schedule is stored without the field ${field}; the hash is not one this driver wrote`);
  return value;
}

function integer(value: string, field: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`stored schedule field ${field} is not an integer: ${JSON.stringify(value)}`);
  return n;
}

function optionalTime(hash: JobHash, field: string): number | undefined {
  const value = text(hash, field);
  return value === undefined ? undefined : nanoToMs(value, field);
}

/** Builds the contract's ScheduleRecord from a stored schedule hash. */
export function parseScheduleHash(hash: JobHash): ScheduleRecord {
  const catchUp = required(hash, ScheduleField.catchUp) as CatchUpPolicy;
  if (!CATCH_UP_POLICIES.includes(catchUp)) throw new Error(`a schedule has an unknown catch-up policy ${JSON.stringify(catchUp)}`);
  const payload = hash.get(ScheduleField.payload);
  const record: ScheduleRecord = {
    name: required(hash, ScheduleField.name),
    queue: required(hash, ScheduleField.queue),
    type: required(hash, ScheduleField.type),
    // A copy that owns its memory, so the record does not pin ioredis's reply buffer.
    payload: payload === undefined ? new Uint8Array(0) : new Uint8Array(payload),
    timezone: required(hash, ScheduleField.timezone),
    catchUp,
    maxAttempts: integer(required(hash, ScheduleField.maxAttempts), ScheduleField.maxAttempts),
    revision: required(hash, ScheduleField.revision),
    paused: required(hash, ScheduleField.paused) === '1',
    runs: integer(required(hash, ScheduleField.runs), ScheduleField.runs),
    version: integer(required(hash, ScheduleField.version), ScheduleField.version),
    createdAt: nanoToMs(required(hash, ScheduleField.createdAt), ScheduleField.createdAt),
    updatedAt: nanoToMs(required(hash, ScheduleField.updatedAt), ScheduleField.updatedAt),
  };
  const cron = text(hash, ScheduleField.cron);
  if (cron !== undefined) record.cron = cron;
  const everyMs = optionalTime(hash, ScheduleField.every);
  if (everyMs !== undefined) record.everyMs = everyMs;
  const startAt = optionalTime(hash, ScheduleField.startAt);
  if (startAt !== undefined) record.startAt = startAt;
  const endAt = optionalTime(hash, ScheduleField.endAt);
  if (endAt !== undefined) record.endAt = endAt;
  const limit = text(hash, ScheduleField.limit);
  if (limit !== undefined) record.limit = integer(limit, ScheduleField.limit);
  const timeoutMs = optionalTime(hash, ScheduleField.timeout);
  if (timeoutMs !== undefined) record.timeoutMs = timeoutMs;
  const nextRunAt = optionalTime(hash, ScheduleField.nextRunAt);
  if (nextRunAt !== undefined) record.nextRunAt = nextRunAt;
  const lastRunAt = optionalTime(hash, ScheduleField.lastRunAt);
  if (lastRunAt !== undefined) record.lastRunAt = lastRunAt;
  return record;
}
