import source from './delete-schedule.sql';
import { defineStatement } from '../../sql/statement.js';

/** Deletes a schedule's row. */
export const deleteSchedule = defineStatement<[name: string], never>('deleteSchedule', source);
