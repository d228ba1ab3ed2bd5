import source from './enqueue-plain.sql';
import type { enqueue } from './enqueue.js';
import { defineStatement, type ParamsOf } from './statement.js';

/** Stores a batch of new jobs without idempotency keys, or fails whole on a known id; one row. */
export const enqueuePlain = defineStatement<ParamsOf<typeof enqueue>, { inserted: number }>('enqueuePlain', source);
