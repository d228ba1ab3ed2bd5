import source from './set-paused.sql';
import { defineStatement } from './statement.js';

/** Stores a queue's pause flag. */
export const setPaused = defineStatement<[queue: string, paused: boolean], { wake_ups: string }>('setPaused', source);
