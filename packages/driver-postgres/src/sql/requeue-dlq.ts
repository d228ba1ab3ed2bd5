import source from './requeue-dlq.sql';
import { defineStatement } from './statement.js';

/** Moves one dead-lettered job, or a bounded step of them, back. */
export const requeueDlq = defineStatement<[queue: string, id: string | null, type: string | null, step: number, resetAttempts: boolean, runAt: number | null, now: number], { moved: number }>('requeueDlq', source);
