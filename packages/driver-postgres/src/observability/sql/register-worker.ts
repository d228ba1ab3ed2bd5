import { defineStatement } from '../../sql/statement.js';
import source from './register-worker.sql';

/** Upserts one worker entry and deletes a bounded number of expired ones. */
export const registerWorker = defineStatement<
  [id: string, info: string, startedAt: number, now: number, expiresAt: number, expiredStep: number],
  { removed: number; stored: number }
>('registerWorker', source);
