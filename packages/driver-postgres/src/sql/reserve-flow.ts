import type { ReserveRow } from './reserve.js';
import source from './reserve-flow.sql';
import { defineStatement } from './statement.js';

/** Hands out a batch from a queue that uses flow control; rows as the plain reserve's, in hand-out order. */
export const reserveFlow = defineStatement<[queue: string, now: number, limit: number, leaseMs: number, dueBound: number], ReserveRow>(
  'reserveFlow',
  source,
  { now: 2 },
);
