import { type JobErrorEntry, type JobRecord, type JobStatus, type NewJobRecord, normalizeMeta } from '@taskharbor/core';

/**
 * A job as the memory driver holds it: one mutable object per job, owned by
 * its queue's state and never handed out (callers get copies from toRecord).
 */
export interface StoredJob {
  readonly id: string;
  readonly type: string;
  readonly queue: string;
  readonly payload: Uint8Array;
  runAt?: number;
  timeoutMs?: number;
  readonly createdAt: number;
  maxAttempts: number;
  idempotencyKey?: string;
  status: JobStatus;
  attempts: number;
  reclaims: number;
  lastError?: string;
  failedAt?: number;
  /** The current token while in flight; the last token once done or dead-lettered. */
  token?: string;
  /** Set only while in flight. */
  expiresAt?: number;
  finishedAt?: number;
  dlqReason?: string;
  dlqFailedAt?: number;
  /** The last failures, oldest first; unset before the first. */
  errors?: JobErrorEntry[];
  /** The last progress report, as the JSON text it came in. */
  progressJson?: string;
  /** The handler's encoded return value (done jobs). */
  result?: Uint8Array;
  cancelRequestedAt?: number;
  cancelledAt?: number;
  cancelReason?: string;
  /** The schedule that made the job, and the tick it was made for (schedules). */
  readonly schedule?: string;
  readonly scheduledFor?: number;
  /** Flow control: unset for priority 0 and for a job without a group. */
  readonly priority?: number;
  readonly group?: string;
  /** How many runs ended with a snooze; unset before the first. */
  snoozes?: number;
  /** The job's own copy of its meta (observability); unset when it had none or an empty map. */
  readonly meta?: Readonly<Record<string, string>>;
}

/** Builds the stored form of a validated record, copying the payload so the caller's buffer can change freely. */
export function createStoredJob(record: NewJobRecord, status: JobStatus): StoredJob {
  return {
    id: record.id,
    type: record.type,
    queue: record.queue,
    payload: new Uint8Array(record.payload),
    createdAt: record.createdAt,
    maxAttempts: record.maxAttempts,
    status,
    attempts: 0,
    reclaims: 0,
    // Unset ones stay undefined here; toRecord leaves them out of every record handed out.
    runAt: record.runAt,
    timeoutMs: record.timeoutMs,
    idempotencyKey: record.idempotencyKey,
    schedule: record.schedule,
    scheduledFor: record.scheduledFor,
    // Priority 0 is stored as nothing, so a record never shows it.
    priority: record.priority === 0 ? undefined : record.priority,
    group: record.group,
    meta: normalizeMeta(record.meta),
  };
}

/** A fresh copy for a caller: nothing it does to the copy reaches the stored job. */
export function toRecord(job: StoredJob): JobRecord {
  const record: JobRecord = {
    id: job.id,
    type: job.type,
    queue: job.queue,
    payload: job.payload.slice(),
    createdAt: job.createdAt,
    maxAttempts: job.maxAttempts,
    status: job.status,
    attempts: job.attempts,
    reclaims: job.reclaims,
  };
  if (job.runAt !== undefined) record.runAt = job.runAt;
  if (job.timeoutMs !== undefined) record.timeoutMs = job.timeoutMs;
  if (job.idempotencyKey !== undefined) record.idempotencyKey = job.idempotencyKey;
  if (job.lastError !== undefined) record.lastError = job.lastError;
  if (job.failedAt !== undefined) record.failedAt = job.failedAt;
  if (job.token !== undefined) {
    record.lease = job.expiresAt === undefined ? { token: job.token } : { token: job.token, expiresAt: job.expiresAt };
  }
  if (job.finishedAt !== undefined) record.finishedAt = job.finishedAt;
  if (job.dlqReason !== undefined) record.dlqReason = job.dlqReason;
  if (job.dlqFailedAt !== undefined) record.dlqFailedAt = job.dlqFailedAt;
  if (job.errors !== undefined) record.errors = job.errors.map((entry) => ({ ...entry }));
  if (job.progressJson !== undefined) record.progress = JSON.parse(job.progressJson);
  if (job.result !== undefined) record.result = job.result.slice();
  if (job.cancelRequestedAt !== undefined) record.cancelRequestedAt = job.cancelRequestedAt;
  if (job.cancelledAt !== undefined) record.cancelledAt = job.cancelledAt;
  if (job.cancelReason !== undefined) record.cancelReason = job.cancelReason;
  if (job.schedule !== undefined) record.schedule = job.schedule;
  if (job.scheduledFor !== undefined) record.scheduledFor = job.scheduledFor;
  if (job.priority !== undefined) record.priority = job.priority;
  if (job.group !== undefined) record.group = job.group;
  if (job.snoozes !== undefined) record.snoozes = job.snoozes;
  if (job.meta !== undefined) record.meta = { ...job.meta };
  return record;
}
