import type { JobRow } from '../job-row.js';
import source from './inspect.sql';
import { defineStatement } from './statement.js';

/** One job as stored. */
export const inspect = defineStatement<[queue: string, id: string], JobRow>('inspect', source);
