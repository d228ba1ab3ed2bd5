import type { ScheduleRow } from '../schedule-row.js';
import source from './get-schedule.sql';
import { defineStatement } from '../../sql/statement.js';

/** The schedule as stored. */
export const getSchedule = defineStatement<[name: string], ScheduleRow>('getSchedule', source);
