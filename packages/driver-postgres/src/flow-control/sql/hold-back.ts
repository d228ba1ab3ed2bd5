import type { LeaseWriteRow } from '../../lease-writes.js';
import { defineStatement } from '../../sql/statement.js';
import source from './hold-back.sql';

/** Puts a rate-limited job back at the head of its priority and holds its group (or queue) until `until`. */
export const holdBack = defineStatement<[queue: string, id: string, token: string, now: number, until: number], LeaseWriteRow>('holdBack', source, { now: 4 });
