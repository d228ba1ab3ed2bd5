import type { ScheduleRow } from '../schedule-row.js';
import source from './lock-schedule.sql';
import { defineStatement } from '../../sql/statement.js';

/** The schedule as stored, its row locked until the transaction ends. */
export const lockSchedule = defineStatement<[name: string], ScheduleRow>('lockSchedule', source);
