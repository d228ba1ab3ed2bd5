import source from './cancel.sql';
import { defineStatement } from './statement.js';

/** Cancels one job, or records a cancel request on a running one. */
export const cancel = defineStatement<[queue: string, id: string, now: number, reason: string | null], { status: string | null; new_status: string | null }>('cancel', source);
