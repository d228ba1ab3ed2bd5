import type { JobRecord } from '@taskharbor/core';
import { formatDurationMs } from '../args/duration.js';
import { type Colours, statusStyle } from './colour.js';
import { cancelFields, errorsField, type Field, progressField, resultField } from './outcome-fields.js';
import { payloadPreview } from './payload.js';
import { type Cell, type Column, formatFields, formatTable } from './table.js';
import { describeTime, relativeTime } from './time.js';

/** How many characters of a payload a table row or inspect shows. */
const TABLE_PAYLOAD_CHARS = 40;
const INSPECT_PAYLOAD_CHARS = 400;

function attemptsText(record: JobRecord): string {
  return `${record.attempts}/${record.maxAttempts}`;
}

/** The time a row shows under WHEN: what the operator waits for in each status. */
function whenText(record: JobRecord, now: number): string {
  switch (record.status) {
    case 'scheduled':
      if (record.runAt === undefined) return '-';
      // Promotion to ready is lazy (a worker's reserve does it), so a due job still reads scheduled.
      return record.runAt <= now ? `due ${relativeTime(record.runAt, now)}` : `runs ${relativeTime(record.runAt, now)}`;
    case 'inflight':
      if (record.cancelRequestedAt !== undefined) return `cancel requested ${relativeTime(record.cancelRequestedAt, now)}`;
      return record.lease?.expiresAt === undefined ? '-' : `lease ends ${relativeTime(record.lease.expiresAt, now)}`;
    case 'done':
      return record.finishedAt === undefined ? '-' : `done ${relativeTime(record.finishedAt, now)}`;
    case 'dlq':
      return record.dlqFailedAt === undefined ? '-' : `dead ${relativeTime(record.dlqFailedAt, now)}`;
    case 'cancelled':
      return record.cancelledAt === undefined ? '-' : `cancelled ${relativeTime(record.cancelledAt, now)}`;
    default:
      return record.runAt === undefined ? '-' : `due ${relativeTime(record.runAt, now)}`;
  }
}

/**
 * The status, with what it means when that is not obvious: a scheduled job
 * whose time has come is runnable, but drivers move it to ready only when a
 * worker next reserves from its queue.
 */
function statusText(record: JobRecord, now: number, colours: Colours): string {
  const status = statusStyle(colours, record.status)(record.status);
  if (record.status === 'scheduled' && record.runAt !== undefined && record.runAt <= now) {
    return `${status} (due: runnable now; the next worker reserve on this queue makes it ready)`;
  }
  if (record.status === 'inflight' && record.cancelRequestedAt !== undefined) {
    return `${status} (cancel requested: its worker aborts the run, then the job is cancelled)`;
  }
  return status;
}

/** `list`: one row per job. */
export function jobTable(records: readonly JobRecord[], now: number, colours: Colours): string[] {
  const columns: Column[] = [
    { header: 'ID' },
    { header: 'TYPE', maxWidth: 32 },
    { header: 'STATUS' },
    { header: 'ATTEMPTS', align: 'right' },
    { header: 'CREATED' },
    { header: 'WHEN' },
    { header: 'PAYLOAD' },
  ];
  const rows: Cell[][] = records.map((record) => [
    record.id,
    record.type,
    { text: record.status, style: statusStyle(colours, record.status) },
    attemptsText(record),
    relativeTime(record.createdAt, now),
    whenText(record, now),
    { text: payloadPreview(record.payload, TABLE_PAYLOAD_CHARS), style: colours.dim },
  ]);
  return formatTable(columns, rows, { headerStyle: colours.bold });
}

/** `dlq list`: the reason matters more than anything else here. */
export function dlqTable(records: readonly JobRecord[], now: number, colours: Colours): string[] {
  const columns: Column[] = [
    { header: 'ID' },
    { header: 'TYPE', maxWidth: 32 },
    { header: 'ATTEMPTS', align: 'right' },
    { header: 'DEAD SINCE' },
    { header: 'REASON', maxWidth: 80 },
  ];
  const rows: Cell[][] = records.map((record) => [
    record.id,
    record.type,
    attemptsText(record),
    record.dlqFailedAt === undefined ? '-' : relativeTime(record.dlqFailedAt, now),
    { text: record.dlqReason ?? '-', style: colours.red },
  ]);
  return formatTable(columns, rows, { headerStyle: colours.bold });
}

/** A meta value as inspect prints it: bare when plain, else as a JSON string, so one entry is always one line. */
function metaValueText(value: string): string {
  const plain = value !== '' && [...value].every((char) => char > ' ' && char !== '"' && char !== '\\' && char !== '\u007f');
  return plain ? value : JSON.stringify(value);
}

/** The error's first line; the stack under it only with --verbose, since it is often longer than everything else. */
function errorText(text: string | undefined, colours: Colours, verbose: boolean): string {
  if (text === undefined) return '-';
  const [first = '', ...rest] = text.split('\n');
  if (verbose || rest.length === 0) return text;
  return `${first}\n${colours.dim(`(${rest.length} more line${rest.length === 1 ? '' : 's'}: --verbose or --json shows them)`)}`;
}

/**
 * `inspect`: every field of the record. Fields every job has are always
 * shown ("-" when unset); the lease only while the job is in flight (a
 * finished job's last token means nothing to an operator), the result only
 * when done, the dead-letter reason only when it is dead-lettered, and the
 * cancel fields once a cancel was asked for.
 */
export function jobFields(record: JobRecord, now: number, colours: Colours, options: { verbose: boolean }): string[] {
  const time = (ms: number | undefined) => (ms === undefined ? '-' : describeTime(ms, now));
  const fields: Field[] = [
    ['id', record.id],
    ['type', record.type],
    ['queue', record.queue],
    ['status', statusText(record, now, colours)],
    ['attempts', `${record.attempts} of ${record.maxAttempts} (failures recorded of runs allowed)`],
    ['reclaims', String(record.reclaims)],
    ['created', time(record.createdAt)],
    ['run at', time(record.runAt)],
    ['timeout', record.timeoutMs === undefined ? 'none' : formatDurationMs(record.timeoutMs)],
    ['idempotency key', record.idempotencyKey ?? '-'],
    ['failed at', time(record.failedAt)],
  ];
  // Flow control's fields appear only when a job has them, so plain jobs read as before.
  if (record.priority !== undefined && record.priority !== 0) fields.push(['priority', String(record.priority)]);
  if (record.group !== undefined) fields.push(['group', record.group]);
  if (record.snoozes !== undefined && record.snoozes > 0) fields.push(['snoozes', String(record.snoozes)]);
  // Meta likewise: one line per entry, as key=value (JSON-quoted when it holds a space, quote or control character).
  const meta = Object.entries(record.meta ?? {});
  if (meta.length > 0) fields.push(['meta', meta.map(([key, value]) => `${key}=${metaValueText(value)}`).join('\n')]);
  if (record.status === 'inflight' && record.lease !== undefined) {
    fields.push(['lease token', record.lease.token]);
    fields.push(['lease expires', time(record.lease.expiresAt)]);
  }
  fields.push(...cancelFields(record, now));
  if (record.status === 'done') {
    fields.push(['finished at', time(record.finishedAt)]);
    fields.push(resultField(record, colours));
  }
  if (record.status === 'dlq') {
    fields.push(['dead-lettered', time(record.dlqFailedAt)]);
    fields.push(['dlq reason', colours.red(record.dlqReason ?? '-')]);
  }
  fields.push(['last error', errorText(record.lastError, colours, options.verbose)]);
  fields.push(errorsField(record, now, options.verbose));
  const progress = progressField(record);
  if (progress !== undefined) fields.push(progress);
  fields.push(['payload', `${payloadPreview(record.payload, INSPECT_PAYLOAD_CHARS)}  ${colours.dim(`(${record.payload.byteLength} bytes)`)}`]);
  return formatFields(fields, colours.bold);
}
