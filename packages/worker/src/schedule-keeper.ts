import {
  type Admin,
  advanceRequest,
  type Clock,
  FINISHED_STATUSES,
  MAX_SCHEDULE_PAGE,
  occurrenceJobId,
  type PendingState,
  planAdvance,
  type ScheduleRecord,
  type Schedules,
} from '@taskharbor/core';
import { startTimer } from './timers.js';

export interface ScheduleKeeperDeps {
  driver: Schedules & Partial<Pick<Admin, 'inspect'>>;
  clock: Clock;
  queues: readonly string[];
  /** How often to look, and how overdue a pending tick must be before it is looked at. */
  intervalMs: number;
  /** Tells the idle wait about a pending tick the keeper made. */
  noteDue(at: number): void;
  onError(error: unknown): void;
}

/**
 * Puts schedules of the worker's queues back on their feet when their
 * pending occurrence is gone (purged, removed) or finished without the
 * schedule moving on (cancelled): nothing would ever reserve it, so the
 * schedule would stop. Every intervalMs it lists the schedules, and for each
 * one whose pending tick is more than intervalMs overdue it looks at the
 * occurrence; a gone or finished one is replaced by an advance without a
 * lease, which the driver applies only if that is still so. A healthy
 * schedule costs one list entry per look.
 */
export class ScheduleKeeper {
  private readonly deps: ScheduleKeeperDeps;
  private readonly queues: Set<string>;
  private cancelTimer: (() => void) | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(deps: ScheduleKeeperDeps) {
    this.deps = deps;
    this.queues = new Set(deps.queues);
  }

  start(): void {
    this.arm(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelTimer?.();
    await this.running;
  }

  private arm(ms: number): void {
    if (this.stopped) return;
    this.cancelTimer = startTimer(this.deps.clock, ms, () => {
      this.running = this.look()
        .catch((error: unknown) => this.deps.onError(error))
        .finally(() => {
          this.running = undefined;
          this.arm(this.deps.intervalMs);
        });
    });
  }

  private async look(): Promise<void> {
    let cursor: string | undefined;
    do {
      const page = await this.deps.driver.schedules(cursor === undefined ? { limit: MAX_SCHEDULE_PAGE } : { limit: MAX_SCHEDULE_PAGE, cursor });
      for (const schedule of page.schedules) {
        if (this.stopped) return;
        if (this.overdue(schedule)) await this.repair(schedule);
      }
      cursor = page.nextCursor;
    } while (cursor !== undefined && !this.stopped);
  }

  private overdue(schedule: ScheduleRecord): boolean {
    const { nextRunAt } = schedule;
    return this.queues.has(schedule.queue) && nextRunAt !== undefined && nextRunAt < this.deps.clock.now() - this.deps.intervalMs;
  }

  private async repair(schedule: ScheduleRecord): Promise<void> {
    const pending = await this.pendingState(schedule);
    if (pending === undefined) return;
    const now = this.deps.clock.now();
    const plan = planAdvance(schedule, now, pending);
    const { advanced } = await this.deps.driver.advanceSchedule(advanceRequest(schedule, plan, now));
    if (advanced && plan.nextRunAt !== undefined) this.deps.noteDue(plan.nextRunAt);
  }

  /** Where the pending occurrence stands; undefined while it waits or runs (the schedule is fine). */
  private async pendingState(schedule: ScheduleRecord): Promise<Exclude<PendingState, 'held'> | undefined> {
    const { inspect } = this.deps.driver;
    // Every driver has inspect (Admin); without it, the driver's own check decides (it refuses while the job waits or runs).
    if (inspect === undefined) return 'absent';
    const job = await inspect.call(this.deps.driver, { queue: schedule.queue, id: occurrenceJobId(schedule.name, schedule.nextRunAt as number) });
    if (job === undefined) return 'absent';
    return FINISHED_STATUSES.includes(job.status) ? 'finished' : undefined;
  }
}
