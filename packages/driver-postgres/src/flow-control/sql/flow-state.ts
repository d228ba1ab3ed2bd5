import { defineStatement } from '../../sql/statement.js';
import source from './flow-state.sql';

/** A queue's flow row as stored (bigint columns as strings). */
export interface FlowStateRow {
  concurrency: number | null;
  rate_max: number | null;
  rate_per_ms: string | null;
  group_concurrency: number | null;
  group_rate_max: number | null;
  group_rate_per_ms: string | null;
  held_until: string | null;
}

/** The limits, group defaults and hold of one queue. */
export const flowState = defineStatement<[queue: string], FlowStateRow>('flowState', source);
