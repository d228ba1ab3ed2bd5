import type { JobErrorEntry, JobRecord, JobStatus } from '@taskharbor/core';

/** A row of the jobs table as pg returns it: bigint columns come as strings, bytea as Buffers. */
export interface JobRow {
  queue: string;
  id: string;
  type: string;
  payload: Buffer;
  run_at: string | null;
  timeout_ms: string | null;
  created_at: string;
  max_attempts: number;
  idempotency_key: string | null;
  status: JobStatus;
  attempts: number;
  reclaims: number;
  last_error: string | null;
  failed_at: string | null;
  lease_token: string | null;
  lease_expires_at: string | null;
  finished_at: string | null;
  dlq_reason: string | null;
  dlq_failed_at: string | null;
  errors: JobErrorEntry[] | null;
  progress: string | null;
  result: Buffer | null;
  cancel_requested_at: string | null;
  cancelled_at: string | null;
  cancel_reason: string | null;
  schedule: string | null;
  scheduled_for: string | null;
  priority: number | null;
  group_name: string | null;
  snoozes: number | null;
  /** JSON text of a string map; null for none. */
  meta: string | null;
}

/** A bigint column as a number (every stored time is at most MAX_TIME_MS, well inside 2^53). */
export function toMillis(value: string | number): number {
  return Number(value);
}

/** Copies a Buffer's bytes into a plain Uint8Array the caller owns. */
function bytes(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer);
}

/** The record inspect, list and reserve hand out; unset columns are left out, not set to undefined. */
export function toRecord(row: JobRow): JobRecord {
  const record: JobRecord = {
    id: row.id,
    type: row.type,
    queue: row.queue,
    payload: bytes(row.payload),
    createdAt: toMillis(row.created_at),
    maxAttempts: row.max_attempts,
    status: row.status,
    attempts: row.attempts,
    reclaims: row.reclaims,
  };
  if (row.run_at !== null) record.runAt = toMillis(row.run_at);
  if (row.timeout_ms !== null) record.timeoutMs = toMillis(row.timeout_ms);
  if (row.idempotency_key !== null) record.idempotencyKey = row.idempotency_key;
  if (row.last_error !== null) record.lastError = row.last_error;
  if (row.failed_at !== null) record.failedAt = toMillis(row.failed_at);
  if (row.lease_token !== null) {
    record.lease =
      row.lease_expires_at === null
        ? { token: row.lease_token }
        : { token: row.lease_token, expiresAt: toMillis(row.lease_expires_at) };
  }
  if (row.finished_at !== null) record.finishedAt = toMillis(row.finished_at);
  if (row.dlq_reason !== null) record.dlqReason = row.dlq_reason;
  if (row.dlq_failed_at !== null) record.dlqFailedAt = toMillis(row.dlq_failed_at);
  if (row.errors !== null) record.errors = row.errors.map((entry) => ({ ...entry }));
  if (row.progress !== null) record.progress = JSON.parse(row.progress);
  if (row.result !== null) record.result = bytes(row.result);
  if (row.cancel_requested_at !== null) record.cancelRequestedAt = toMillis(row.cancel_requested_at);
  if (row.cancelled_at !== null) record.cancelledAt = toMillis(row.cancelled_at);
  if (row.cancel_reason !== null) record.cancelReason = row.cancel_reason;
  if (row.schedule !== null) record.schedule = row.schedule;
  if (row.scheduled_for !== null) record.scheduledFor = toMillis(row.scheduled_for);
  if (row.priority !== null && row.priority !== 0) record.priority = row.priority;
  if (row.group_name !== null) record.group = row.group_name;
  if (row.snoozes !== null) record.snoozes = row.snoozes;
  if (row.meta !== null) record.meta = JSON.parse(row.meta);
  return record;
}

/** A Uint8Array as the Buffer pg sends as bytea, without copying. */
export function asBuffer(data: Uint8Array): Buffer {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}
