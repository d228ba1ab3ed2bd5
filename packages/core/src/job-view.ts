import type { Codec } from './codec.js';
import type { Job, JobRecord } from './job.js';

/** Builds the handler's view of a stored job, decoding its payload. */
export function toJob<Payload = unknown>(record: JobRecord, codec: Codec): Job<Payload> {
  const job: Job<Payload> = {
    id: record.id,
    type: record.type,
    queue: record.queue,
    payload: codec.decode(record.payload) as Payload,
    attempt: record.attempts + 1,
    maxAttempts: record.maxAttempts,
    createdAt: record.createdAt,
    reclaims: record.reclaims,
    snoozes: record.snoozes ?? 0,
    meta: Object.freeze({ ...record.meta }),
  };
  if (record.runAt !== undefined) job.runAt = record.runAt;
  if (record.timeoutMs !== undefined) job.timeoutMs = record.timeoutMs;
  if (record.idempotencyKey !== undefined) job.idempotencyKey = record.idempotencyKey;
  if (record.lastError !== undefined) job.lastError = record.lastError;
  if (record.schedule !== undefined) job.schedule = record.schedule;
  if (record.scheduledFor !== undefined) job.scheduledFor = record.scheduledFor;
  if (record.priority !== undefined && record.priority !== 0) job.priority = record.priority;
  if (record.group !== undefined) job.group = record.group;
  return job;
}
