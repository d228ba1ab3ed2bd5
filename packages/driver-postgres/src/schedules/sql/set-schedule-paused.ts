import source from './set-schedule-paused.sql';
import { defineStatement } from '../../sql/statement.js';

/** Sets a schedule's paused flag; whether it exists and whether the flag changed. */
export const setSchedulePaused = defineStatement<[name: string, paused: boolean], { found: boolean; changed: boolean }>('setSchedulePaused', source);
