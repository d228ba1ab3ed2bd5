import type { EnqueueResult } from './driver.js';
import type {
  AdvanceScheduleRequest,
  AdvanceScheduleResult,
  PutScheduleRequest,
  PutScheduleResult,
  ScheduleListPage,
  ScheduleListRequest,
  ScheduleRecord,
  TriggerScheduleOptions,
} from './schedule-types.js';

/**
 * Schedules: cron and fixed-interval jobs with no scheduler process. A
 * schedule's next occurrence is an ordinary scheduled job with the id
 * `<name>@<tick>` (occurrenceJobId) in the schedule's queue; the worker that
 * reserves it moves the schedule on with advanceSchedule, a compare-and-set
 * on the schedule's version. Drivers store and compare; the cron arithmetic
 * happens in the caller (core's planAdvance). A driver implements it beside
 * Driver and Admin and declares it with `families: ['schedules']`.
 * docs/driver-contract.md states each rule; the testkit's schedule cases
 * check them. Every operation is atomic: one Lua script on Redis, one
 * transaction on Postgres.
 */
export interface Schedules {
  /**
   * Creates or replaces a schedule and its pending occurrence, atomically.
   * Same revision as stored: nothing changes (`unchanged`). Otherwise the
   * old pending occurrence is deleted if it still waits (ready or
   * scheduled; one in flight runs on), the record is written (paused
   * flag, lastRunAt and createdAt kept, runs reset to 0, version + 1) and
   * the new occurrence is stored as enqueue would. A name held in another
   * queue: ValidationError (field `queue`), nothing changed; the client
   * removes the old one first.
   */
  putSchedule(request: PutScheduleRequest): Promise<PutScheduleResult>;

  /** Deletes the schedule and, if it still waits, its pending occurrence. False when no such schedule. */
  removeSchedule(name: string): Promise<boolean>;

  /** The stored schedule, or undefined. */
  getSchedule(name: string): Promise<ScheduleRecord | undefined>;

  /**
   * Compare-and-set of the cadence. Applies only when the schedule exists
   * with `version`, its nextRunAt is `from`, and (with a lease) the lease's
   * job is `<name>@<from>` in the schedule's queue, or (without one) that
   * job is absent or finished; else `{ advanced: false }`, nothing changed.
   * A lease is checked first, as extendLease checks it (its typed errors).
   * Applying sets nextRunAt, lastRunAt and runs, bumps the version, deletes
   * the reserved occurrence when `dropCurrent`, and stores `occurrences` as
   * enqueue would, waking waiters.
   */
  advanceSchedule(request: AdvanceScheduleRequest): Promise<AdvanceScheduleResult>;

  /** Pages through every schedule in ascending name order, with where each one's cadence stands. */
  schedules(request?: ScheduleListRequest): Promise<ScheduleListPage>;

  /**
   * Enqueues one occurrence now (`scheduledFor` = now, id
   * `<name>@trigger-<unique>`), ready at once, also when paused. The cadence,
   * runs and limit are untouched. Unknown name: ScheduleNotFoundError.
   */
  triggerSchedule(name: string, options: TriggerScheduleOptions): Promise<EnqueueResult>;

  /** Sets the paused flag (version + 1 when it changes): ticks that come due while paused are dropped. Unknown: ScheduleNotFoundError. */
  pauseSchedule(name: string): Promise<void>;

  /** Clears the paused flag (version + 1 when it changes). Unknown: ScheduleNotFoundError. */
  resumeSchedule(name: string): Promise<void>;
}
