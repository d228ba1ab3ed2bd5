import { defineStatement } from '../../sql/statement.js';
import source from './set-queue-limits.sql';

/** Replaces a queue's own limits (null: no limit). */
export const setQueueLimits = defineStatement<
  [queue: string, concurrency: number | null, rateMax: number | null, ratePerMs: number | null],
  { wake_ups: string }
>('setQueueLimits', source);
