import type { LeaseWriteRow } from '../lease-writes.js';
import source from './retry.sql';
import { defineStatement } from './statement.js';

/** Records a failure and puts one job back under its lease. */
export const retry = defineStatement<[queue: string, id: string, token: string, now: number, attempts: number, lastError: string | null, failedAt: number, runAt: number | null, historySize: number, minute: number, runnable: boolean], LeaseWriteRow>('retry', source, { now: 4, minute: 10 });
