import type { NewJobRecord } from '@taskharbor/core';
import { enqueueParams, planEnqueue } from '../enqueue-batch.js';
import type { Statements } from '../sql/statements.js';
import type { Transaction } from '../transaction.js';

/** Statuses in which a schedule's pending occurrence still waits, so a replace or a remove deletes it. */
export const WAITING_STATUSES = ['ready', 'scheduled'];

/**
 * Stores a schedule's occurrences inside its transaction with the enqueue
 * statement (an id the queue holds is left alone; due ones join the ready
 * tail in array order; the wake-up notice goes out at commit). True when
 * at least one was new.
 */
export async function storeOccurrences(
  tx: Transaction,
  sql: Statements,
  jobs: readonly NewJobRecord[],
  now: number,
): Promise<boolean> {
  if (jobs.length === 0) return false;
  const rows = await tx.write(sql.enqueue, enqueueParams(jobs, planEnqueue(jobs).sent, now));
  return rows.some((row) => row.inserted);
}
