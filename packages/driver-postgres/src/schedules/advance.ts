import {
  type AdvanceScheduleRequest,
  FINISHED_STATUSES,
  type Lease,
  occurrenceJobId,
  ValidationError,
} from '@taskharbor/core';
import { decidedAt, explainUnchanged, type LeaseStateRow } from '../lease-check.js';
import type { Statements } from '../sql/statements.js';
import type { Transaction } from '../transaction.js';
import { storeOccurrences } from './occurrences.js';
import type { ScheduleStatements } from './schedule-statements.js';
import { optionalMillis } from './schedule-row.js';

/** What one advance transaction did: nothing, or where it applied and what the driver's own waiters should hear. */
export type AdvanceOutcome =
  | { advanced: false }
  | { advanced: true; queue: string; droppedId: string | undefined; stored: boolean };

const NOT_ADVANCED: AdvanceOutcome = { advanced: false };

/**
 * The typed error of a lease that extendLease would refuse, or undefined
 * for a valid one. The row was read under FOR UPDATE, so it is current:
 * what explainUnchanged calls `stale` (looks valid) is valid here.
 */
function leaseError(row: LeaseStateRow | undefined, lease: Lease, now: number): Error | undefined {
  const verdict = explainUnchanged(row, lease, now, undefined);
  return verdict instanceof Error ? verdict : undefined;
}

/**
 * advanceSchedule's compare-and-set as one transaction. The schedule row is
 * locked first, then the held (or pending) job's row, the order every
 * schedule transaction takes, so two of them never wait on each other in a
 * cycle. The checks run in the contract's order; a refused or failed one
 * rolls back with nothing written.
 */
export async function advanceInTransaction(
  tx: Transaction,
  sql: ScheduleStatements,
  jobSql: Statements,
  request: AdvanceScheduleRequest,
): Promise<AdvanceOutcome> {
  const { name, lease, from, now } = request;
  const [schedule] = await tx.read(sql.lockSchedule, [name]);
  if (lease !== undefined) {
    const [held] = await tx.read(sql.lockJob, [lease.queue, lease.jobId, now]);
    const error = leaseError(held, lease, decidedAt(held, now));
    if (error !== undefined) throw error;
  }
  if (schedule === undefined) return NOT_ADVANCED;
  for (const job of request.occurrences) {
    if (job.queue !== schedule.queue) {
      throw new ValidationError('occurrences', `job ${job.id} is in queue ${job.queue}, the schedule in ${schedule.queue}`);
    }
  }
  if (Number(schedule.version) !== request.version || optionalMillis(schedule.next_run_at) !== from) return NOT_ADVANCED;
  const pendingId = occurrenceJobId(name, from);
  if (lease !== undefined) {
    if (lease.jobId !== pendingId || lease.queue !== schedule.queue) return NOT_ADVANCED;
  } else {
    const [pending] = await tx.read(sql.lockJob, [schedule.queue, pendingId, now]);
    if (pending !== undefined && !FINISHED_STATUSES.includes(pending.status)) return NOT_ADVANCED;
  }
  await tx.write(sql.advanceSchedule, [name, request.nextRunAt ?? null, request.lastRunAt ?? null, request.runs, now]);
  const drop = lease !== undefined && request.dropCurrent;
  if (drop) await tx.write(sql.deleteJobInStatus, [schedule.queue, pendingId, ['inflight']]);
  const stored = await storeOccurrences(tx, jobSql, request.occurrences, now);
  return { advanced: true, queue: schedule.queue, droppedId: drop ? pendingId : undefined, stored };
}
