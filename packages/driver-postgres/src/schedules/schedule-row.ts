import type { CatchUpPolicy, ScheduleRecord, ScheduleSpec } from '@taskharbor/core';
import { asBuffer, toMillis } from '../job-row.js';
import type { writeSchedule } from './sql/write-schedule.js';
import type { ParamsOf } from '../sql/statement.js';

/** A row of the schedules table as pg returns it: bigint columns come as strings, bytea as Buffers. */
export interface ScheduleRow {
  name: string;
  queue: string;
  type: string;
  payload: Buffer;
  cron: string | null;
  every_ms: string | null;
  timezone: string;
  start_at: string | null;
  end_at: string | null;
  run_limit: number | null;
  catch_up: CatchUpPolicy;
  max_attempts: number;
  timeout_ms: string | null;
  revision: string;
  paused: boolean;
  next_run_at: string | null;
  last_run_at: string | null;
  runs: number;
  version: string;
  created_at: string;
  updated_at: string;
}

/** A nullable bigint column as epoch ms, or undefined. */
export function optionalMillis(value: string | null): number | undefined {
  return value === null ? undefined : toMillis(value);
}

/** The record getSchedule and schedules() hand out; unset columns are left out, not set to undefined. */
export function toScheduleRecord(row: ScheduleRow): ScheduleRecord {
  const record: ScheduleRecord = {
    name: row.name,
    queue: row.queue,
    type: row.type,
    payload: new Uint8Array(row.payload),
    timezone: row.timezone,
    catchUp: row.catch_up,
    maxAttempts: row.max_attempts,
    revision: row.revision,
    paused: row.paused,
    runs: row.runs,
    version: Number(row.version),
    createdAt: toMillis(row.created_at),
    updatedAt: toMillis(row.updated_at),
  };
  if (row.cron !== null) record.cron = row.cron;
  if (row.every_ms !== null) record.everyMs = toMillis(row.every_ms);
  if (row.start_at !== null) record.startAt = toMillis(row.start_at);
  if (row.end_at !== null) record.endAt = toMillis(row.end_at);
  if (row.run_limit !== null) record.limit = row.run_limit;
  if (row.timeout_ms !== null) record.timeoutMs = toMillis(row.timeout_ms);
  if (row.next_run_at !== null) record.nextRunAt = toMillis(row.next_run_at);
  if (row.last_run_at !== null) record.lastRunAt = toMillis(row.last_run_at);
  return record;
}

/** The write-schedule statement's parameters: the spec's columns, the pending tick, now. */
export function writeScheduleParams(spec: ScheduleSpec, nextRunAt: number | undefined, now: number): ParamsOf<typeof writeSchedule> {
  return [
    spec.name,
    spec.queue,
    spec.type,
    asBuffer(spec.payload),
    spec.cron ?? null,
    spec.everyMs ?? null,
    spec.timezone,
    spec.startAt ?? null,
    spec.endAt ?? null,
    spec.limit ?? null,
    spec.catchUp,
    spec.maxAttempts,
    spec.timeoutMs ?? null,
    spec.revision,
    nextRunAt ?? null,
    now,
  ];
}
