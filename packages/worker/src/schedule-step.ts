import { advanceRequest, type Clock, type JobRecord, type Lease, planAdvance, type Schedules } from '@taskharbor/core';

/**
 * What a run does after trying to move its schedule on:
 * - run: the job runs (it was the pending occurrence and the schedule moved
 *   on, or it is no longer the pending one: a tick another worker advanced).
 * - dropped: the advance deleted the job (a missed tick under catch-up, or a
 *   paused schedule); nothing more is written.
 * - busy: the schedule kept changing under the compare-and-set; the job
 *   goes back to its queue to be tried again.
 */
export interface ScheduleStep {
  outcome: 'run' | 'dropped' | 'busy';
  /** The new pending tick, when this worker's advance landed and the schedule goes on. */
  nextRunAt?: number;
}

/** Reads and compare-and-sets are tried this often before the job is given back. */
const ADVANCE_TRIES = 3;

/**
 * Moves the schedule of a reserved pending occurrence on: reads the
 * schedule, plans the advance (catch-up, pause, limit, endAt) and writes it
 * with advanceSchedule, a compare-and-set. The one worker whose write lands
 * decides for its tick; every other copy of the tick is already gone or is
 * no longer pending. Lease errors and a failed write are thrown to the
 * caller, which gives the job up or back; the lease then decides.
 */
export async function advanceHeldOccurrence(driver: Schedules, record: JobRecord, lease: Lease, clock: Clock): Promise<ScheduleStep> {
  const name = record.schedule as string;
  for (let attempt = 0; attempt < ADVANCE_TRIES; attempt++) {
    const schedule = await driver.getSchedule(name);
    if (schedule === undefined || schedule.nextRunAt !== record.scheduledFor || schedule.queue !== record.queue) {
      return { outcome: 'run' };
    }
    const now = clock.now();
    const plan = planAdvance(schedule, now, 'held');
    const { advanced } = await driver.advanceSchedule(advanceRequest(schedule, plan, now, lease));
    if (!advanced) continue;
    const step: ScheduleStep = { outcome: plan.dropCurrent ? 'dropped' : 'run' };
    if (plan.nextRunAt !== undefined) step.nextRunAt = plan.nextRunAt;
    return step;
  }
  return { outcome: 'busy' };
}
