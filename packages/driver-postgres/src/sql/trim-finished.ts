import source from './trim-finished.sql';
import { defineStatement } from './statement.js';

/** One bounded retention delete. */
export const trimFinished = defineStatement<[queue: string, status: string, maxCount: number | null, maxAgeMs: number | null, now: number, step: number], { removed: number }>('trimFinished', source);
