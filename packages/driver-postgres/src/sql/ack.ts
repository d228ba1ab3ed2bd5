import type { LeaseWriteRow } from '../lease-writes.js';
import source from './ack.sql';
import { defineStatement } from './statement.js';

type AckParams = [
  queues: string[],
  ids: string[],
  tokens: string[],
  now: number,
  results: (Buffer | null)[],
  maxCount: number | null,
  maxAgeMs: number | null,
  step: number,
  minute: number,
];

/** One row per lease; `flow_wakes` only from the flow-control variant. */
export type AckRow = LeaseWriteRow & { ord: string; retention_more: boolean; flow_wakes?: string };

const FLOW_PART = /^-- flow-control:begin\n[\s\S]*?^-- flow-control:end\n/gm;
const FLOW_MARKERS = /^-- flow-control:(begin|end)\n/gm;
const ACK_CLOCK = { now: 4, minute: 9 };

/** Acks a batch of leases and applies the done retention; one row per lease. */
export const ack = defineStatement<AckParams, AckRow>('ack', source.replace(FLOW_PART, ''), ACK_CLOCK);

/** ack for leases of queues that use flow control: also wakes the workers when a freed slot of a limited queue has work waiting. */
export const ackFlow = defineStatement<AckParams, AckRow>('ackFlow', source.replace(FLOW_MARKERS, ''), ACK_CLOCK);
