import { defineStatement } from '../../sql/statement.js';
import source from './set-group-paused.sql';

/** Stores a group's pause flag; a resume wakes the queue's workers. */
export const setGroupPaused = defineStatement<[queue: string, group: string, paused: boolean], { wake_ups: string }>(
  'setGroupPaused',
  source,
);
