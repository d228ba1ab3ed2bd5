import source from './lock-schedule-name.sql';
import { defineStatement } from '../../sql/statement.js';

/** Holds the schedule name until the transaction ends. */
export const lockScheduleName = defineStatement<[name: string], { locked: boolean }>('lockScheduleName', source);
