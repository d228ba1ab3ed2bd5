import type { LeaseWriteRow } from '../lease-writes.js';
import source from './release.sql';
import { defineStatement } from './statement.js';

/** Gives one job back under its lease. */
export const release = defineStatement<[queue: string, id: string, token: string, now: number], LeaseWriteRow>('release', source, { now: 4 });
