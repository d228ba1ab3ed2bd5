import { defineStatement } from '../../sql/statement.js';
import source from './workers.sql';

/** A worker entry as stored: the info's other fields as JSON, bigint columns as strings. */
export interface WorkerRow {
  id: string;
  info: { host: string; pid: number; queues: string[]; concurrency: number; running: number; version: string };
  started_at: string;
  last_seen_at: string;
  expires_at: string;
}

/** The live worker entries at now, in listing order. */
export const workers = defineStatement<[now: number, limit: number], WorkerRow>('workers', source);
