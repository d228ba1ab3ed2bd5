import type { JobErrorEntry, JobRecord } from '@taskharbor/core';
import type { Colours } from './colour.js';
import { payloadPreview } from './payload.js';
import { truncate } from './table.js';
import { describeTime } from './time.js';

/** How many characters of a result or progress value inspect shows. */
const VALUE_CHARS = 400;
/** How many characters of one error history message inspect shows without --verbose. */
const HISTORY_MESSAGE_CHARS = 160;

export type Field = [label: string, value: string];

/** The cancel fields: the request while the job runs, the time and reason once cancelled. */
export function cancelFields(record: JobRecord, now: number): Field[] {
  const fields: Field[] = [];
  if (record.cancelRequestedAt !== undefined) fields.push(['cancel requested', describeTime(record.cancelRequestedAt, now)]);
  if (record.status === 'cancelled') fields.push(['cancelled at', record.cancelledAt === undefined ? '-' : describeTime(record.cancelledAt, now)]);
  if (record.status === 'cancelled' || record.cancelRequestedAt !== undefined) fields.push(['cancel reason', record.cancelReason ?? '-']);
  return fields;
}

/** A done job's result, decoded like the payload (JSON, or a byte summary for another codec). */
export function resultField(record: JobRecord, colours: Colours): Field {
  if (record.result === undefined) return ['result', '(none)'];
  return ['result', `${payloadPreview(record.result, VALUE_CHARS)}  ${colours.dim(`(${record.result.byteLength} bytes)`)}`];
}

/** The last progress value the handler reported, kept after the job finishes. */
export function progressField(record: JobRecord): Field | undefined {
  if (record.progress === undefined) return undefined;
  return ['progress', truncate(JSON.stringify(record.progress) ?? String(record.progress), VALUE_CHARS)];
}

function historyLine(entry: JobErrorEntry, now: number, verbose: boolean): string {
  const message = entry.message === '' ? '(no message)' : entry.message;
  const shown = verbose ? message : truncate(message.split('\n')[0] ?? '', HISTORY_MESSAGE_CHARS);
  return `attempt ${entry.attempt}  ${describeTime(entry.at, now)}  ${shown}`;
}

/** The error history, oldest first, one failure a line (whole messages with --verbose). */
export function errorsField(record: JobRecord, now: number, verbose: boolean): Field {
  const errors = record.errors ?? [];
  if (errors.length === 0) return ['errors', '-'];
  return ['errors', errors.map((entry) => historyLine(entry, now, verbose)).join('\n')];
}
