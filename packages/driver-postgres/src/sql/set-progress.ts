import type { LeaseWriteRow } from '../lease-writes.js';
import source from './set-progress.sql';
import { defineStatement } from './statement.js';

/** Stores progress under one job's lease. */
export const setProgress = defineStatement<[queue: string, id: string, token: string, now: number, progressJson: string], LeaseWriteRow>('setProgress', source, { now: 4 });
