import type { LeaseStateRow } from '../lease-check.js';
import source from './job-state.sql';
import { defineStatement } from './statement.js';

/** One job's lease state. */
export const jobState = defineStatement<[queue: string, id: string], LeaseStateRow>('jobState', source);
