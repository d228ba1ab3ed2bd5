import type { JobRecord } from '@taskharbor/core';
import type { JobAction, JobDetailView, JobSummary, WireValue } from './wire.js';

/** The most bytes of a non-JSON value the page shows (as hex). */
const MAX_HEX_BYTES = 4096;
/** A list row shows the start of the last error only. */
const LIST_ERROR_LENGTH = 200;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Stored bytes as the page shows them: pretty JSON when they parse, else text when they are UTF-8, else hex. */
export function wireBytes(bytes: Uint8Array): WireValue {
  let text: string | undefined;
  try {
    text = utf8.decode(bytes);
  } catch {
    text = undefined;
  }
  if (text !== undefined) {
    try {
      return { kind: 'json', text: JSON.stringify(JSON.parse(text), null, 2) };
    } catch {
      return { kind: 'text', text };
    }
  }
  const shown = bytes.subarray(0, MAX_HEX_BYTES);
  return { kind: 'bytes', size: bytes.length, hex: Buffer.from(shown).toString('hex'), truncated: shown.length < bytes.length };
}

function wireJson(value: unknown): WireValue {
  return { kind: 'json', text: JSON.stringify(value, null, 2) ?? 'null' };
}

export function jobSummary(record: JobRecord): JobSummary {
  const row: JobSummary = {
    id: record.id,
    type: record.type,
    status: record.status,
    attempts: record.attempts,
    maxAttempts: record.maxAttempts,
    createdAt: record.createdAt,
  };
  if (record.runAt !== undefined) row.runAt = record.runAt;
  if (record.finishedAt !== undefined) row.finishedAt = record.finishedAt;
  const failedAt = record.dlqFailedAt ?? record.failedAt;
  if (failedAt !== undefined) row.failedAt = failedAt;
  if (record.cancelledAt !== undefined) row.cancelledAt = record.cancelledAt;
  const error = record.dlqReason ?? record.lastError;
  if (error !== undefined) row.lastError = error.length > LIST_ERROR_LENGTH ? `${error.slice(0, LIST_ERROR_LENGTH)}…` : error;
  return row;
}

/** What an operator may do to a job in its status (the driver re-checks; the page only offers these). */
export function actionsFor(status: JobRecord['status']): JobAction[] {
  switch (status) {
    case 'ready':
      return ['cancel', 'remove'];
    case 'scheduled':
      return ['promote', 'cancel', 'remove'];
    case 'inflight':
      return ['cancel'];
    case 'dlq':
      return ['requeue', 'remove'];
    case 'done':
    case 'cancelled':
      return ['remove'];
  }
}

export function jobDetail(record: JobRecord, canAct: boolean): JobDetailView {
  const view: JobDetailView = {
    id: record.id,
    queue: record.queue,
    type: record.type,
    status: record.status,
    attempts: record.attempts,
    maxAttempts: record.maxAttempts,
    reclaims: record.reclaims,
    createdAt: record.createdAt,
    payload: wireBytes(record.payload),
    snoozes: record.snoozes ?? 0,
    errors: (record.errors ?? []).map(({ attempt, message, at }) => ({ attempt, message, at })),
    actions: canAct ? actionsFor(record.status) : [],
  };
  const copied = [
    'runAt',
    'timeoutMs',
    'idempotencyKey',
    'lastError',
    'failedAt',
    'finishedAt',
    'dlqReason',
    'dlqFailedAt',
    'cancelRequestedAt',
    'cancelledAt',
    'cancelReason',
    'schedule',
    'scheduledFor',
    'group',
  ] as const;
  for (const key of copied) {
    if (record[key] !== undefined) (view as unknown as Record<string, unknown>)[key] = record[key];
  }
  if (record.priority !== undefined && record.priority !== 0) view.priority = record.priority;
  if (record.result !== undefined) view.result = wireBytes(record.result);
  if (record.progress !== undefined) view.progress = wireJson(record.progress);
  if (record.lease?.expiresAt !== undefined) view.leaseExpiresAt = record.lease.expiresAt;
  if (record.meta !== undefined && Object.keys(record.meta).length > 0) view.meta = { ...record.meta };
  return view;
}
