import type { Lease, NewJobRecord } from './job.js';

/**
 * What happens to ticks that came due while no process served the
 * schedule's queue (an outage, a deploy with every worker down):
 * - `latest` (default): one occurrence, for the most recent missed tick.
 * - `none`: no occurrence; the schedule goes on at the next tick.
 * - `all`: one occurrence per missed tick, at most CATCH_UP_ALL_LIMIT (the latest ones).
 */
export type CatchUpPolicy = 'latest' | 'none' | 'all';

export const CATCH_UP_POLICIES: readonly CatchUpPolicy[] = ['latest', 'none', 'all'];

/** The options a schedule's jobs are enqueued with. */
export interface ScheduleJobOptions {
  /** Runs allowed per occurrence before it is dead-lettered; default the client's. */
  maxAttempts?: number;
  /** How long one run may take; unset means no limit. */
  timeoutMs?: number;
}

/**
 * What `client.schedule(name, definition)` takes. Give `cron` or `everyMs`,
 * not both.
 *
 * @example
 * await client.schedule('nightly-report', {
 *   cron: '0 3 * * *', timezone: 'Europe/Berlin',
 *   type: 'report.build', payload: { kind: 'daily' },
 * });
 */
export interface ScheduleDefinition<Type extends string = string, Payload = unknown> {
  /** A cron expression of 5 fields, or 6 with seconds first (`*\/10 * * * * *`); nicknames such as `@hourly` too. */
  cron?: string;
  /** A fixed interval in milliseconds (at least MIN_SCHEDULE_INTERVAL_MS). Ticks fall on multiples of it from startAt (or from the epoch). */
  everyMs?: number;
  /** The IANA time zone the cron expression reads its wall-clock times in. Default `UTC`. Cron only. */
  timezone?: string;
  /** The job type each occurrence runs. */
  type: Type;
  payload?: Payload;
  /** Default: the client's default queue. */
  queue?: string;
  jobOptions?: ScheduleJobOptions;
  /** No tick before this time. */
  startAt?: Date | number;
  /** No tick after this time. */
  endAt?: Date | number;
  /** Stop after this many occurrences made by ticks (manual triggers do not count). */
  limit?: number;
  /** Default `latest`. */
  catchUp?: CatchUpPolicy;
}

/**
 * A schedule's definition as stored: validated, the payload encoded, every
 * default filled in. `revision` fingerprints all the other fields, so a
 * put of the same definition (every process calling schedule() at boot)
 * changes nothing.
 */
export interface ScheduleSpec {
  name: string;
  queue: string;
  type: string;
  payload: Uint8Array;
  cron?: string;
  everyMs?: number;
  /** Always set: `UTC` unless the definition named a zone (and for everyMs). */
  timezone: string;
  startAt?: number;
  endAt?: number;
  limit?: number;
  catchUp: CatchUpPolicy;
  maxAttempts: number;
  timeoutMs?: number;
  /** Fingerprint of the fields above (scheduleRevision); opaque to drivers. */
  revision: string;
}

/** A stored schedule: its definition and where its cadence stands. admin.schedules() lists these. */
export interface ScheduleRecord extends ScheduleSpec {
  /** A paused schedule keeps its pending occurrence, but every tick that comes due while paused is dropped. */
  paused: boolean;
  /** The pending tick: the occurrence job `<name>@<tick>` waits for it. Unset once the schedule has ended (endAt, limit). */
  nextRunAt?: number;
  /** The latest tick that made an occurrence. */
  lastRunAt?: number;
  /** Occurrences made by ticks under the current definition (counts toward limit). */
  runs: number;
  /** Goes up by one with every change (replace, advance, pause, resume): advanceSchedule compares it. */
  version: number;
  /** When the schedule was first made. */
  createdAt: number;
  /** When the definition or state last changed. */
  updatedAt: number;
}

/** What client.schedule() hands the driver. */
export interface PutScheduleRequest {
  schedule: ScheduleSpec;
  /** The first tick after `now` under this definition; unset when it has none (endAt passed). */
  nextRunAt?: number;
  /** The pending occurrence for nextRunAt (built by occurrenceJob); set exactly when nextRunAt is. */
  occurrence?: NewJobRecord;
  now: number;
}

export interface PutScheduleResult {
  /** created: no schedule had the name. replaced: the definition changed. unchanged: the same definition was stored; nothing changed. */
  status: 'created' | 'replaced' | 'unchanged';
  /** The schedule as stored after the call. */
  schedule: ScheduleRecord;
}

/**
 * A compare-and-set that moves a schedule's cadence from its pending tick
 * (`from`) on, made by planAdvance and occurrenceJob in the caller, which
 * can run cron; the driver cannot.
 */
export interface AdvanceScheduleRequest {
  name: string;
  /** The version the plan was made from; any change since makes the call a no-op. */
  version: number;
  /** The pending tick the plan starts at: the record's nextRunAt. */
  from: number;
  /**
   * The lease of the pending occurrence (`<name>@<from>`), when the caller
   * reserved it. Unset for a repair, when that job is gone or finished.
   */
  lease?: Lease;
  /** With a lease: delete the reserved occurrence; its tick does not run (catch-up or pause). */
  dropCurrent: boolean;
  /** The new pending tick; unset ends the schedule. */
  nextRunAt?: number;
  /** The new last tick that made an occurrence; unset keeps the stored one. */
  lastRunAt?: number;
  /** The new count of occurrences made by ticks. */
  runs: number;
  /** Jobs to store as enqueue would (an existing id is left alone): catch-up occurrences and the new pending one. */
  occurrences: NewJobRecord[];
  now: number;
}

export interface AdvanceScheduleResult {
  /** False: the schedule changed (or is gone) since the plan was made, or its pending occurrence is not in the state the call assumed; nothing changed. */
  advanced: boolean;
}

export interface ScheduleListRequest {
  /** Page size, 1 to MAX_SCHEDULE_PAGE (default that). */
  limit?: number;
  /** The nextCursor of the previous page. */
  cursor?: string;
}

export interface ScheduleListPage {
  /** In ascending name order (code points). */
  schedules: ScheduleRecord[];
  nextCursor?: string;
}

export interface TriggerScheduleOptions {
  now: number;
}

/** What client.schedule() answers. */
export interface ScheduleResult {
  status: PutScheduleResult['status'];
  /** The pending tick after the call; unset when the schedule has ended. */
  nextRunAt?: number;
}
