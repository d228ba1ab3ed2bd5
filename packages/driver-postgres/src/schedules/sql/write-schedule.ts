import type { ScheduleRow } from '../schedule-row.js';
import source from './write-schedule.sql';
import { defineStatement } from '../../sql/statement.js';

/** Creates or replaces a schedule's row; returns it as stored. */
export const writeSchedule = defineStatement<[name: string, queue: string, type: string, payload: Buffer, cron: string | null, everyMs: number | null, timezone: string, startAt: number | null, endAt: number | null, limit: number | null, catchUp: string, maxAttempts: number, timeoutMs: number | null, revision: string, nextRunAt: number | null, now: number], ScheduleRow>('writeSchedule', source);
