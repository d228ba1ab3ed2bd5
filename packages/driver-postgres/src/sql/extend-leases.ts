import type { ExtendRow } from '../lease-writes.js';
import source from './extend-leases.sql';
import { defineStatement } from './statement.js';

/** Extends a batch of leases; one row per lease. */
export const extendLeases = defineStatement<[queues: string[], ids: string[], tokens: string[], now: number, leaseMs: number], ExtendRow>('extendLeases', source, { now: 4 });
