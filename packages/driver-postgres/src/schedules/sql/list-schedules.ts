import type { ScheduleRow } from '../schedule-row.js';
import source from './list-schedules.sql';
import { defineStatement } from '../../sql/statement.js';

/** One page of schedules in name order. */
export const listSchedules = defineStatement<[afterName: string | null, rows: number], ScheduleRow>('listSchedules', source);
