import source from './counts.sql';
import { defineStatement } from './statement.js';

/** Counts a queue's jobs per status, with its pause flag. */
export const counts = defineStatement<[queue: string], { status: string | null; jobs: number; paused: boolean }>('counts', source);
