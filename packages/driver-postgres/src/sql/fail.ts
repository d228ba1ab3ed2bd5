import type { LeaseWriteRow } from '../lease-writes.js';
import source from './fail.sql';
import { defineStatement } from './statement.js';

/** Dead-letters one job under its lease. */
export const fail = defineStatement<[queue: string, id: string, token: string, now: number, attempts: number, lastError: string | null, failedAt: number, reason: string, historySize: number, minute: number], LeaseWriteRow & { flow_wakes: string }>('fail', source, { now: 4, minute: 10 });
