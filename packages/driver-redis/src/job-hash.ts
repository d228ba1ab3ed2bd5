import { JOB_STATUSES, type JobErrorEntry, type JobRecord, type JobStatus, jobIdTime } from '@taskharbor/core';
import { nanoToMs } from './nano.js';

/**
 * The fields of a job hash (`<prefix>:{<queue>}:job:<id>`), named as in the
 * original Go TaskHarbor. Which are present in which status is listed
 * in docs/redis.md; times are nanosecond strings (see nano.ts). Since data
 * model 5 the hash holds no queue field (the key names the queue) and
 * leaves max_attempts out at OMITTED_MAX_ATTEMPTS; since data model 7 it
 * leaves created_at_nano out when the id starts with it (id-time.ts).
 */
export const JobField = {
  type: 'type',
  payload: 'payload',
  status: 'status',
  runAt: 'run_at_nano',
  timeout: 'timeout_nano',
  createdAt: 'created_at_nano',
  attempts: 'attempts',
  maxAttempts: 'max_attempts',
  reclaims: 'reclaims',
  lastError: 'last_error',
  failedAt: 'failed_at_nano',
  idempotencyKey: 'idempotency_key',
  leaseToken: 'lease_token',
  leaseExpiresAt: 'lease_expires_at_nano',
  finishedAt: 'finished_at_nano',
  dlqReason: 'dlq_reason',
  dlqFailedAt: 'dlq_failed_at_nano',
  /** Error history: one JSON object per line ({attempt, message, at}), oldest first. */
  errors: 'errors',
  /** The last progress value, as the JSON text the worker sent. */
  progress: 'progress',
  /** The handler's encoded return value (done jobs). */
  result: 'result',
  cancelRequestedAt: 'cancel_requested_at_nano',
  cancelledAt: 'cancelled_at_nano',
  cancelReason: 'cancel_reason',
  /** `1` once a waitForFinish watches the job: the scripts that finish or remove it then publish its id. */
  watched: 'watched',
  /** The name of the schedule that made the job (schedules family). */
  schedule: 'schedule',
  /** The tick the schedule made the job for. */
  scheduledFor: 'scheduled_for_nano',
  /** The job's priority (flow control); absent for 0. */
  priority: 'priority',
  /** The job's group (flow control); absent without one. */
  group: 'group',
  /** How many runs ended with a snooze; absent before the first. */
  snoozes: 'snoozes',
  /** While the job waits in its group's sorted set: the 16-digit sequence its member starts with (flow control). */
  readySequence: 'rseq',
  /** On a job leased on the flow path: its group ('' for none), so the outcome frees its slot. */
  flowGroup: 'fl',
  /** The job's meta (observability) as JSON text; absent for none or an empty map. */
  meta: 'meta',
} as const;

/**
 * The max_attempts a hash leaves out (data model 5): core's default today,
 * but fixed here, since stored hashes keep this meaning if core's default
 * ever changes. revive.lua and migrate-fields-2.lua spell it too.
 */
export const OMITTED_MAX_ATTEMPTS = 25;

/** A job hash as Redis returned it: field name to raw bytes. */
export interface JobHash {
  get(field: string): Buffer | undefined;
}

/**
 * The fields reserve-8.lua reads with HMGET, in its order. A reserved job is
 * ready before its lease, so the fields it cannot have (lease, finish,
 * dead-letter, result and cancel fields) are not read.
 */
export const RESERVE_FIELDS = [
  JobField.type,
  JobField.payload,
  JobField.status,
  JobField.runAt,
  JobField.timeout,
  JobField.createdAt,
  JobField.attempts,
  JobField.maxAttempts,
  JobField.reclaims,
  JobField.lastError,
  JobField.failedAt,
  JobField.idempotencyKey,
  JobField.errors,
  JobField.progress,
  JobField.schedule,
  JobField.scheduledFor,
  JobField.snoozes,
  JobField.meta,
  // Read on the flow path only (a job on the plain path has neither): an absent field costs
  // HMGET a walk of the whole hash, so the plain path asks for none it cannot have.
  JobField.priority,
  JobField.group,
] as const;

/**
 * The fields a usual job holds (no runAt, timeout, key, schedule, flow
 * fields, meta or history): type, payload and status, created_at_nano
 * unless the id holds it, and max_attempts when it is not the default.
 * reserve-8.lua reads such a hash with an HMGET of these five instead of
 * RESERVE_FIELDS; status sits at the same position in both.
 */
export const USUAL_FIELDS = [JobField.type, JobField.payload, JobField.status, JobField.createdAt, JobField.maxAttempts] as const;

/**
 * The usual job on the flow path: USUAL_FIELDS plus the flow fields.
 * includes/flow-reserve.lua reads the hash whole (HGETALL) and answers
 * with these seven when it holds nothing else (a grouped job's rseq aside);
 * status sits at the same position as in the others.
 */
export const USUAL_FLOW_FIELDS = [...USUAL_FIELDS, JobField.priority, JobField.group] as const;

const RESERVE_INDEX: ReadonlyMap<string, number> = new Map(RESERVE_FIELDS.map((field, i) => [field, i]));
const USUAL_INDEX: ReadonlyMap<string, number> = new Map(USUAL_FIELDS.map((field, i) => [field, i]));
const USUAL_FLOW_INDEX: ReadonlyMap<string, number> = new Map(USUAL_FLOW_FIELDS.map((field, i) => [field, i]));

/**
 * An HMGET reply of RESERVE_FIELDS, USUAL_FIELDS or USUAL_FLOW_FIELDS (told
 * apart by its length), as Buffers with null when absent, read by field name
 * without copying.
 */
export function hashFromReserveValues(values: readonly unknown[]): JobHash {
  const positions =
    values.length === USUAL_FIELDS.length ? USUAL_INDEX : values.length === USUAL_FLOW_FIELDS.length ? USUAL_FLOW_INDEX : RESERVE_INDEX;
  return {
    get(field) {
      const index = positions.get(field);
      const value = index === undefined ? undefined : values[index];
      return value === null || value === undefined ? undefined : (value as Buffer);
    },
  };
}

/** A flat HGETALL reply (`[field, value, field, value, …]`, as Buffers) as a map; a field that appears twice keeps its later value. */
export function hashFromPairs(pairs: unknown): JobHash {
  const hash = new Map<string, Buffer>();
  if (!Array.isArray(pairs)) return hash;
  for (let i = 0; i + 1 < pairs.length; i += 2) {
    hash.set(String(pairs[i]), pairs[i + 1] as Buffer);
  }
  return hash;
}

/** An `hgetallBuffer` reply (an object) as a map. */
export function hashFromObject(object: Record<string, Buffer>): JobHash {
  return new Map(Object.entries(object));
}

function text(hash: JobHash, field: string): string | undefined {
  return hash.get(field)?.toString('utf8');
}

/** created_at_nano, or the time the id starts with when the hash leaves it out (data model 7; id-time.ts). */
function createdAtOf(hash: JobHash, id: string): number {
  const stored = text(hash, JobField.createdAt);
  if (stored !== undefined) return nanoToMs(stored, JobField.createdAt);
  const fromId = jobIdTime(id);
  if (fromId === undefined) throw new Error(`job ${id} is stored without the field ${JobField.createdAt} and its id holds no time`);
  return fromId;
}

function required(hash: JobHash, field: string, id: string): string {
  const value = text(hash, field);
  if (value === undefined) throw new Error(`job ${id} is stored without the field ${field}; the hash is not one this driver wrote`);
  return value;
}

function integer(value: string, field: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`stored field ${field} is not an integer: ${JSON.stringify(value)}`);
  return n;
}

function time(hash: JobHash, field: string): number | undefined {
  const value = text(hash, field);
  return value === undefined ? undefined : nanoToMs(value, field);
}

/** The `errors` field (JSON lines) as entries, oldest first. */
function errorHistory(value: string, id: string): JobErrorEntry[] {
  try {
    return value.split('\n').map((line) => JSON.parse(line) as JobErrorEntry);
  } catch (cause) {
    throw new Error(`job ${id} has an errors field that is not JSON lines`, { cause });
  }
}

/** The fields job control adds (error history, progress, result, cancel), set on the record when present. */
function addJobControlFields(record: JobRecord, hash: JobHash, id: string): void {
  const errors = text(hash, JobField.errors);
  if (errors !== undefined) record.errors = errorHistory(errors, id);
  const progress = text(hash, JobField.progress);
  if (progress !== undefined) record.progress = JSON.parse(progress);
  const result = hash.get(JobField.result);
  if (result !== undefined) record.result = new Uint8Array(result);
  const cancelRequestedAt = time(hash, JobField.cancelRequestedAt);
  if (cancelRequestedAt !== undefined) record.cancelRequestedAt = cancelRequestedAt;
  const cancelledAt = time(hash, JobField.cancelledAt);
  if (cancelledAt !== undefined) record.cancelledAt = cancelledAt;
  const cancelReason = text(hash, JobField.cancelReason);
  if (cancelReason !== undefined) record.cancelReason = cancelReason;
}

/** The `meta` field (JSON text of string values) as the record's map. */
function metaMap(value: string, id: string): Record<string, string> {
  try {
    return JSON.parse(value) as Record<string, string>;
  } catch (cause) {
    throw new Error(`job ${id} has a meta field that is not JSON`, { cause });
  }
}

/** Builds the contract's JobRecord from a stored job hash of `queue` (the hash does not name its queue). */
export function parseJobHash(id: string, queue: string, hash: JobHash): JobRecord {
  const status = required(hash, JobField.status, id) as JobStatus;
  if (!JOB_STATUSES.includes(status)) throw new Error(`job ${id} has an unknown status ${JSON.stringify(status)}`);
  const payload = hash.get(JobField.payload);
  const record: JobRecord = {
    id,
    type: required(hash, JobField.type, id),
    queue,
    // A copy that owns its memory, so the record does not pin ioredis's reply buffer.
    payload: payload === undefined ? new Uint8Array(0) : new Uint8Array(payload),
    createdAt: createdAtOf(hash, id),
    maxAttempts: integer(text(hash, JobField.maxAttempts) ?? String(OMITTED_MAX_ATTEMPTS), JobField.maxAttempts),
    status,
    attempts: integer(text(hash, JobField.attempts) ?? '0', JobField.attempts),
    reclaims: integer(text(hash, JobField.reclaims) ?? '0', JobField.reclaims),
  };
  const runAt = time(hash, JobField.runAt);
  if (runAt !== undefined) record.runAt = runAt;
  const timeout = time(hash, JobField.timeout);
  if (timeout !== undefined) record.timeoutMs = timeout;
  const idempotencyKey = text(hash, JobField.idempotencyKey);
  if (idempotencyKey !== undefined) record.idempotencyKey = idempotencyKey;
  const schedule = text(hash, JobField.schedule);
  if (schedule !== undefined) record.schedule = schedule;
  const scheduledFor = time(hash, JobField.scheduledFor);
  if (scheduledFor !== undefined) record.scheduledFor = scheduledFor;
  const priority = text(hash, JobField.priority);
  if (priority !== undefined) record.priority = integer(priority, JobField.priority);
  const group = text(hash, JobField.group);
  if (group !== undefined) record.group = group;
  const snoozes = text(hash, JobField.snoozes);
  if (snoozes !== undefined) record.snoozes = integer(snoozes, JobField.snoozes);
  const meta = text(hash, JobField.meta);
  if (meta !== undefined) record.meta = metaMap(meta, id);
  const lastError = text(hash, JobField.lastError);
  if (lastError !== undefined) record.lastError = lastError;
  const failedAt = time(hash, JobField.failedAt);
  if (failedAt !== undefined) record.failedAt = failedAt;
  const token = text(hash, JobField.leaseToken);
  if (token !== undefined) {
    const expiresAt = time(hash, JobField.leaseExpiresAt);
    record.lease = expiresAt === undefined ? { token } : { token, expiresAt };
  }
  const finishedAt = time(hash, JobField.finishedAt);
  if (finishedAt !== undefined) record.finishedAt = finishedAt;
  const dlqReason = text(hash, JobField.dlqReason);
  if (dlqReason !== undefined) record.dlqReason = dlqReason;
  const dlqFailedAt = time(hash, JobField.dlqFailedAt);
  if (dlqFailedAt !== undefined) record.dlqFailedAt = dlqFailedAt;
  addJobControlFields(record, hash, id);
  return record;
}
