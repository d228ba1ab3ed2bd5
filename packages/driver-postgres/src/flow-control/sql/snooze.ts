import type { LeaseWriteRow } from '../../lease-writes.js';
import { defineStatement } from '../../sql/statement.js';
import source from './snooze.sql';

/** Ends a run without counting a failure: the job waits until runAt (snoozes + 1). */
export const snooze = defineStatement<[queue: string, id: string, token: string, now: number, runAt: number, runnable: boolean], LeaseWriteRow>('snooze', source, { now: 4 });
