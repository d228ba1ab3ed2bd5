import { defineStatement } from '../../sql/statement.js';
import source from './set-group-override.sql';

/** Replaces one group's override (null fields fall back to the defaults). */
export const setGroupOverride = defineStatement<
  [queue: string, group: string, concurrency: number | null, rateMax: number | null, ratePerMs: number | null],
  { wake_ups: string; stored: string }
>('setGroupOverride', source);
