import { defineStatement } from '../../sql/statement.js';
import source from './set-group-defaults.sql';

/** Replaces the limits every group of a queue gets by default (null: no limit). */
export const setGroupDefaults = defineStatement<
  [queue: string, concurrency: number | null, rateMax: number | null, ratePerMs: number | null],
  { wake_ups: string }
>('setGroupDefaults', source);
