import type { JobRecord, Lease, NewJobRecord } from './job.js';
import { newJobId } from './job-id.js';
import { CATCH_UP_ALL_LIMIT } from './limits.js';
import { lastTicks, nextTick } from './schedule-cadence.js';
import type { AdvanceScheduleRequest, ScheduleRecord, ScheduleSpec } from './schedule-types.js';

/**
 * The job id of a schedule's occurrence for one tick: `<name>@<tick as ISO
 * 8601>`, for example `nightly@2030-01-01T03:00:00.000Z`. One id per
 * (schedule, tick) is what makes a second writer of the same tick a no-op.
 */
export function occurrenceJobId(name: string, tick: number): string {
  return `${name}@${new Date(tick).toISOString()}`;
}

/** The job id of a manual trigger: never the id of a tick, and unique per call. */
export function triggerJobId(name: string, now: number): string {
  return `${name}@trigger-${newJobId(now)}`;
}

/**
 * The job a schedule makes for a tick: its type, queue, payload and job
 * options, `schedule` and `scheduledFor` set, runnable at the tick.
 */
export function occurrenceJob(spec: ScheduleSpec, tick: number, now: number): NewJobRecord {
  const job: NewJobRecord = {
    id: occurrenceJobId(spec.name, tick),
    type: spec.type,
    queue: spec.queue,
    payload: spec.payload,
    runAt: tick,
    createdAt: now,
    maxAttempts: spec.maxAttempts,
    schedule: spec.name,
    scheduledFor: tick,
  };
  if (spec.timeoutMs !== undefined) job.timeoutMs = spec.timeoutMs;
  return job;
}

/** The job a manual trigger makes: ready at once, `scheduledFor` = now. */
export function triggerJob(spec: ScheduleSpec, now: number): NewJobRecord {
  const job: NewJobRecord = {
    id: triggerJobId(spec.name, now),
    type: spec.type,
    queue: spec.queue,
    payload: spec.payload,
    createdAt: now,
    maxAttempts: spec.maxAttempts,
    schedule: spec.name,
    scheduledFor: now,
  };
  if (spec.timeoutMs !== undefined) job.timeoutMs = spec.timeoutMs;
  return job;
}

/**
 * True for a job that may be its schedule's pending occurrence, on its first
 * run: the worker then tries to advance the schedule before running it.
 * Retried runs, catch-up occurrences of other ticks and triggers are just jobs.
 */
export function mayBePendingOccurrence(record: JobRecord): boolean {
  return (
    record.schedule !== undefined &&
    record.scheduledFor !== undefined &&
    record.attempts === 0 &&
    record.id === occurrenceJobId(record.schedule, record.scheduledFor)
  );
}

/**
 * Where the pending occurrence stands for the planner: `held` by the
 * caller (reserved), `absent` from the queue (removed, purged), or
 * `finished` without the schedule having moved on (cancelled).
 */
export type PendingState = 'held' | 'absent' | 'finished';

/** What one advance does: computed from the record by planAdvance, written by advanceSchedule. */
export interface AdvancePlan {
  /** The held occurrence does not run (a missed tick under catch-up, or a paused schedule). */
  dropCurrent: boolean;
  /** Ticks whose occurrences are stored now, ascending: due ticks (catch-up) and, last, the new pending tick. */
  ticks: number[];
  nextRunAt?: number;
  lastRunAt?: number;
  runs: number;
}

/** The ticks that run for a pending tick `from` picked up at `now`, by the catch-up policy. */
function ticksToRun(schedule: ScheduleRecord, from: number, now: number): number[] {
  if (schedule.paused) return [];
  const following = nextTick(schedule, from);
  // On time: no later tick came due before the pending one was picked up.
  if (following === undefined || following > now) return [from];
  switch (schedule.catchUp) {
    case 'none':
      return [];
    case 'latest':
      return lastTicks(schedule, from, now, 1);
    case 'all':
      return lastTicks(schedule, from, now, CATCH_UP_ALL_LIMIT);
  }
}

/**
 * Plans how a schedule moves on from its pending tick at `now`. A tick is
 * *missed* when a later tick came due before its occurrence was picked up;
 * the catch-up policy decides which missed ticks run. Ticks that come due
 * while paused never run. The new pending tick is the first after `now`,
 * unless endAt or limit ends the schedule.
 *
 * @example
 * const plan = planAdvance(record, clock.now(), 'held');
 * await driver.advanceSchedule(advanceRequest(record, plan, clock.now(), lease));
 */
export function planAdvance(schedule: ScheduleRecord, now: number, pending: PendingState): AdvancePlan {
  const from = schedule.nextRunAt;
  if (from === undefined) throw new Error(`schedule ${schedule.name} has ended; there is nothing to advance`);
  const unchanged = { runs: schedule.runs, ...(schedule.lastRunAt === undefined ? {} : { lastRunAt: schedule.lastRunAt }) };
  if (from > now && pending !== 'held') {
    // The pending tick has not come: put its occurrence back when it is gone.
    return { dropCurrent: false, ticks: pending === 'absent' ? [from] : [], nextRunAt: from, ...unchanged };
  }
  let run = ticksToRun(schedule, from, now);
  // A finished occurrence (cancelled by an operator) is that tick's end; it is not made again.
  if (pending === 'finished') run = run.filter((tick) => tick !== from);
  if (schedule.limit !== undefined) run = run.slice(Math.max(0, run.length - Math.max(0, schedule.limit - schedule.runs)));
  const runs = schedule.runs + run.length;
  const runsHeld = pending === 'held' && run.includes(from);
  const ticks = run.filter((tick) => !runsHeld || tick !== from);
  const nextRunAt = schedule.limit !== undefined && runs >= schedule.limit ? undefined : nextTick(schedule, Math.max(now, from));
  if (nextRunAt !== undefined) ticks.push(nextRunAt);
  const plan: AdvancePlan = { dropCurrent: pending === 'held' && !runsHeld, ticks, runs };
  if (nextRunAt !== undefined) plan.nextRunAt = nextRunAt;
  const lastRunAt = run.length > 0 ? run[run.length - 1] : schedule.lastRunAt;
  if (lastRunAt !== undefined) plan.lastRunAt = lastRunAt;
  return plan;
}

/** The advanceSchedule request that writes a plan made from `schedule`. */
export function advanceRequest(schedule: ScheduleRecord, plan: AdvancePlan, now: number, lease?: Lease): AdvanceScheduleRequest {
  const request: AdvanceScheduleRequest = {
    name: schedule.name,
    version: schedule.version,
    from: schedule.nextRunAt as number,
    dropCurrent: plan.dropCurrent,
    runs: plan.runs,
    occurrences: plan.ticks.map((tick) => occurrenceJob(schedule, tick, now)),
    now,
  };
  if (lease !== undefined) request.lease = lease;
  if (plan.nextRunAt !== undefined) request.nextRunAt = plan.nextRunAt;
  if (plan.lastRunAt !== undefined) request.lastRunAt = plan.lastRunAt;
  return request;
}
