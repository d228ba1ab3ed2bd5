import type { JobRecord } from '@taskharbor/core';
import { decodePayload } from './payload.js';

/**
 * Puts stored bytes (payload, result) into a JSON document as `<name>`:
 * the decoded value (null when empty), or `<name>Base64` when the bytes are
 * not JSON (an app with another codec).
 */
function putBytes(json: Record<string, unknown>, name: string, bytes: Uint8Array): void {
  const decoded = decodePayload(bytes);
  if (decoded.kind === 'json') json[name] = decoded.value;
  else if (decoded.kind === 'empty') json[name] = null;
  else json[`${name}Base64`] = Buffer.from(decoded.bytes).toString('base64');
}

/**
 * The JSON form of a job: the library's field names, times as integer epoch
 * milliseconds (as everywhere in TaskHarbor's API; jq turns them into dates
 * with `./1000 | todate`). Fields every job can have are always present,
 * null when unset, so scripts can rely on the shape; fields that belong to
 * some statuses (lease, finishedAt, result, dlqReason, dlqFailedAt, the
 * cancel fields) appear only in them. `values` adds the decoded payload and
 * result (inspect); lists leave them out.
 */
export function jobToJson(record: JobRecord, options: { values: boolean }): Record<string, unknown> {
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
    errors: record.errors ?? null,
    progress: record.progress ?? null,
    priority: record.priority ?? 0,
    group: record.group ?? null,
    snoozes: record.snoozes ?? 0,
    meta: record.meta ?? {},
  };
  if (record.status === 'inflight' && record.lease !== undefined) {
    json.lease = { token: record.lease.token, expiresAt: record.lease.expiresAt ?? null };
  }
  if (record.status === 'inflight' || record.status === 'cancelled') {
    json.cancelRequestedAt = record.cancelRequestedAt ?? null;
    json.cancelReason = record.cancelReason ?? null;
  }
  if (record.status === 'cancelled') json.cancelledAt = record.cancelledAt ?? null;
  if (record.status === 'done') {
    json.finishedAt = record.finishedAt ?? null;
    json.resultBytes = record.result?.byteLength ?? null;
    if (options.values) {
      if (record.result === undefined) json.result = null;
      else putBytes(json, 'result', record.result);
    }
  }
  if (record.status === 'dlq') {
    json.dlqReason = record.dlqReason ?? null;
    json.dlqFailedAt = record.dlqFailedAt ?? null;
  }
  json.payloadBytes = record.payload.byteLength;
  if (options.values) putBytes(json, 'payload', record.payload);
  return json;
}

/** One document: indented for a person at a terminal, one line for a pipe. */
export function stringifyJson(value: unknown, pretty: boolean): string {
  return pretty ? JSON.stringify(value, null, 2) : JSON.stringify(value);
}
