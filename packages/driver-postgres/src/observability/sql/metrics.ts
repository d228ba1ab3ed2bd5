import { defineStatement } from '../../sql/statement.js';
import source from './metrics.sql';

/** One minute's summed counts (bigint columns as strings). */
export interface MetricsRow {
  minute: string;
  completed: string;
  failed: string;
  dead: string;
}

/** A queue's counts per minute over a range of minutes. */
export const metrics = defineStatement<[queue: string, from: number, to: number], MetricsRow>('metrics', source);
