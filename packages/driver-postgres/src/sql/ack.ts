import type { LeaseWriteRow } from '../lease-writes.js';
import source from './ack.sql';
import { defineStatement } from './statement.js';

/** Acks a batch of leases; one row per lease. */
export const ack = defineStatement<[queues: string[], ids: string[], tokens: string[], now: number, results: (Buffer | null)[]], LeaseWriteRow & { ord: string }>('ack', source);
