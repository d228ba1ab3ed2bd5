import { advanceSchedule } from './sql/advance-schedule.js';
import { deleteJobInStatus } from './sql/delete-job-in-status.js';
import { deleteSchedule } from './sql/delete-schedule.js';
import { getSchedule } from './sql/get-schedule.js';
import { listSchedules } from './sql/list-schedules.js';
import { lockJob } from './sql/lock-job.js';
import { lockSchedule } from './sql/lock-schedule.js';
import { lockScheduleName } from './sql/lock-schedule-name.js';
import { setSchedulePaused } from './sql/set-schedule-paused.js';
import { writeSchedule } from './sql/write-schedule.js';
import type { LeaseClock } from '../lease-clock.js';
import { bindAll, type BoundStatements } from '../sql/statements.js';

const DEFINITIONS = {
  advanceSchedule,
  deleteJobInStatus,
  deleteSchedule,
  getSchedule,
  listSchedules,
  lockJob,
  lockSchedule,
  lockScheduleName,
  setSchedulePaused,
  writeSchedule,
};

/** Every statement of the schedules family, bound to one schema. */
export type ScheduleStatements = BoundStatements<typeof DEFINITIONS>;

export function bindScheduleStatements(schema: string, leaseClock: LeaseClock = 'caller'): ScheduleStatements {
  return bindAll(DEFINITIONS, schema, leaseClock);
}
