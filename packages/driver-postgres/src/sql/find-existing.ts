import source from './find-existing.sql';
import { defineStatement } from './statement.js';

/** The job holding an id or idempotency key. */
export const findExisting = defineStatement<[queue: string, id: string, idempotencyKey: string | null], { id: string }>('findExisting', source);
