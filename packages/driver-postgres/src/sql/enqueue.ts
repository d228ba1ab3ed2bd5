import type { EnqueueRow } from '../enqueue-batch.js';
import source from './enqueue.sql';
import { defineStatement } from './statement.js';

/** Stores a batch of new jobs; one row per job sent. */
export const enqueue = defineStatement<[queues: string[], ids: string[], types: string[], payloads: Buffer[], runAts: (number | null)[], timeoutsMs: (number | null)[], createdAts: number[], maxAttempts: number[], idempotencyKeys: (string | null)[], now: number, schedules: (string | null)[], scheduledFors: (number | null)[], priorities: (number | null)[], groups: (string | null)[], metas: (string | null)[]], EnqueueRow>('enqueue', source);
