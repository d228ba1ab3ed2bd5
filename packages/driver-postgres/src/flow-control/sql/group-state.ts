import { defineStatement } from '../../sql/statement.js';
import source from './group-state.sql';

/** One group's stored state with its queue's group defaults (bigint columns as strings). */
export interface GroupStateRow {
  group_concurrency: number | null;
  group_rate_max: number | null;
  group_rate_per_ms: string | null;
  concurrency: number | null;
  rate_max: number | null;
  rate_per_ms: string | null;
  paused: boolean;
  held_until: string | null;
  inflight: number;
}

/** The defaults, override, pause flag, hold and jobs in flight of one group. */
export const groupState = defineStatement<[queue: string, group: string], GroupStateRow>('groupState', source);
