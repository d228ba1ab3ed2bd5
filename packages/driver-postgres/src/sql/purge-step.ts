import source from './purge-step.sql';
import { defineStatement } from './statement.js';

/** One bounded step of purge. */
export const purgeStep = defineStatement<[queue: string, status: string, type: string | null, olderThanMs: number | null, now: number | null, step: number], { removed: number }>('purgeStep', source);
