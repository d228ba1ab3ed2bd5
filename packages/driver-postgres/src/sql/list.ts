import type { JobRow } from '../job-row.js';
import source from './list.sql';
import { defineStatement } from './statement.js';

/** One page of a queue's jobs in id order. */
export const list = defineStatement<[queue: string, status: string | null, type: string | null, afterId: string | null, rows: number], JobRow>('list', source);
