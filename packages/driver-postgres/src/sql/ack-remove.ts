import source from './ack-remove.sql';
import type { AckRow } from './ack.js';
import { defineStatement } from './statement.js';

type AckRemoveParams = [queues: string[], ids: string[], tokens: string[], now: number, minute: number];

/** Acks a batch of leases of queues that keep no finished job: each acked job is deleted; one row per lease, as ack's. */
export const ackRemove = defineStatement<AckRemoveParams, AckRow>('ackRemove', source, { now: 4, minute: 5 });
