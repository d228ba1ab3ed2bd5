import type { LeaseWriteRow } from '../lease-writes.js';
import source from './ack.sql';
import { defineStatement } from './statement.js';

/** Acks a batch of leases and applies the done retention; one row per lease. */
export const ack = defineStatement<
  [queues: string[], ids: string[], tokens: string[], now: number, results: (Buffer | null)[], maxCount: number | null, maxAgeMs: number | null, step: number],
  LeaseWriteRow & { ord: string; retention_more: boolean; flow_wakes: string }
>('ack', source);
