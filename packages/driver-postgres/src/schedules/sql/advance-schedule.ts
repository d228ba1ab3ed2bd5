import source from './advance-schedule.sql';
import { defineStatement } from '../../sql/statement.js';

/** Moves a schedule's cadence on and bumps its version. */
export const advanceSchedule = defineStatement<[name: string, nextRunAt: number | null, lastRunAt: number | null, runs: number, now: number], never>('advanceSchedule', source);
