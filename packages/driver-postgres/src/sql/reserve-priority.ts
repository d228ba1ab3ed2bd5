import type { ReserveRow } from './reserve.js';
import source from './reserve-priority.sql';
import { defineStatement } from './statement.js';

/** The lock-free flow reserve's row: also whether the queue needs the locked one (then nothing was done: run reserveFlow). */
export type PriorityReserveRow = ReserveRow & { locked: boolean };

/** Hands out a batch by (priority, position) from a flow queue without groups, limits or a hold; rows as the plain reserve's. */
export const reservePriority = defineStatement<
  [queue: string, now: number, limit: number, leaseMs: number, dueBound: number],
  PriorityReserveRow
>('reservePriority', source, { now: 2 });
