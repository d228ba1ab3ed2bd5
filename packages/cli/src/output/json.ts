import type { JobRecord } from '@taskharbor/core';
import { decodePayload } from './payload.js';

/**
 * The JSON form of a job: the library's field names, times as integer epoch
 * milliseconds (as everywhere in TaskHarbor's API; jq turns them into dates
 * with `./1000 | todate`). Fields every job can have are always present,
 * null when unset, so scripts can rely on the shape; fields that belong to
 * one status (lease, finishedAt, dlqReason, dlqFailedAt) appear only in it.
 */
export function jobToJson(record: JobRecord, options: { payload: boolean }): Record<string, unknown> {
  const json: Record<string, unknown> = {
    id: record.id,
    type: record.type,
    queue: record.queue,
    status: record.status,
    attempts: record.attempts,
    maxAttempts: record.maxAttempts,
    reclaims: record.reclaims,
    createdAt: record.createdAt,
    runAt: record.runAt ?? null,
    timeoutMs: record.timeoutMs ?? null,
    idempotencyKey: record.idempotencyKey ?? null,
    lastError: record.lastError ?? null,
    failedAt: record.failedAt ?? null,
  };
  if (record.status === 'inflight' && record.lease !== undefined) {
    json.lease = { token: record.lease.token, expiresAt: record.lease.expiresAt ?? null };
  }
  if (record.status === 'done') json.finishedAt = record.finishedAt ?? null;
  if (record.status === 'dlq') {
    json.dlqReason = record.dlqReason ?? null;
    json.dlqFailedAt = record.dlqFailedAt ?? null;
  }
  json.payloadBytes = record.payload.byteLength;
  if (options.payload) {
    const decoded = decodePayload(record.payload);
    if (decoded.kind === 'json') json.payload = decoded.value;
    else if (decoded.kind === 'empty') json.payload = null;
    else json.payloadBase64 = Buffer.from(decoded.bytes).toString('base64');
  }
  return json;
}

/** One document: indented for a person at a terminal, one line for a pipe. */
export function stringifyJson(value: unknown, pretty: boolean): string {
  return pretty ? JSON.stringify(value, null, 2) : JSON.stringify(value);
}
