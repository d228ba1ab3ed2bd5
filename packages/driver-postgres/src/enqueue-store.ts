import {
  type EnqueueResult,
  type NewJobRecord,
  validateArray,
  validateNewJobRecord,
  validateNow,
} from '@taskharbor/core';
import type { Database } from './database.js';
import { answerRepeats, type EnqueuePlan, type EnqueueRow, enqueueParams, planEnqueue } from './enqueue-batch.js';
import { isUniqueViolation } from './errors.js';
import type { enqueue } from './sql/enqueue.js';
import type { ParamsOf } from './sql/statement.js';
import type { WorkWaiters } from './work-waiters.js';

/** The row of every job the plain insert stored. */
const INSERTED: EnqueueRow = { inserted: true, existing_id: null };

/**
 * enqueue and enqueueMany: each validates, then stores its jobs in one
 * statement (two when a plain insert meets a known id) and wakes this
 * driver's waiters of each queue that got a job. PostgresDriver delegates
 * here; store is also how schedules enqueue.
 */
export class EnqueueStore {
  constructor(
    private readonly db: Database,
    private readonly waiters: WorkWaiters,
    private readonly assertOpen: (operation: string) => void,
  ) {}

  /** Stores one job, or answers `existed: true` for a known id or idempotency key in its queue. */
  async enqueue(job: NewJobRecord, now: number): Promise<EnqueueResult> {
    this.assertOpen('enqueue');
    validateNow(now);
    validateNewJobRecord(job);
    return (await this.store('enqueue', [job], now))[0] as EnqueueResult;
  }

  /** Validates every record, then stores them all in one statement (two on a known id); a later duplicate of an earlier one answers `existed: true`. */
  async enqueueMany(jobs: readonly NewJobRecord[], now: number): Promise<EnqueueResult[]> {
    this.assertOpen('enqueueMany');
    validateNow(now);
    validateArray('jobs', jobs);
    for (const job of jobs) validateNewJobRecord(job);
    if (jobs.length === 0) return [];
    return this.store('enqueueMany', jobs, now);
  }

  /**
   * Stores the validated jobs; a job whose id or key its queue holds (or an
   * earlier entry of the call) answers `existed: true`. A batch without
   * idempotency keys goes in by the plain insert first; only when that meets
   * a known id does the full statement run (see docs/postgres.md).
   */
  async store(operation: string, jobs: readonly NewJobRecord[], now: number): Promise<EnqueueResult[]> {
    const plan = planEnqueue(jobs);
    const params = enqueueParams(jobs, plan.sent, now);
    if (jobs.every((job) => job.idempotencyKey === undefined) && (await this.storePlain(operation, params))) {
      return this.answer(jobs, plan, () => INSERTED);
    }
    const rows = await this.db.write(operation, this.db.sql.enqueue, params);
    return this.answer(jobs, plan, (position) => rows[position] as EnqueueRow);
  }

  /** Runs the plain insert: true when every job went in, false when a known id failed it (then nothing changed). */
  private async storePlain(operation: string, params: ParamsOf<typeof enqueue>): Promise<boolean> {
    try {
      await this.db.write(operation, this.db.sql.enqueuePlain, params);
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  /** The call's answers from the statement's row for each sent job; wakes this driver's waiters of each queue that got one. */
  private async answer(jobs: readonly NewJobRecord[], plan: EnqueuePlan, rowAt: (position: number) => EnqueueRow): Promise<EnqueueResult[]> {
    const results: EnqueueResult[] = new Array(jobs.length);
    const woken = new Set<string>();
    for (const [position, index] of plan.sent.entries()) {
      const job = jobs[index] as NewJobRecord;
      const row = rowAt(position);
      if (row.inserted) {
        results[index] = { id: job.id, existed: false };
        woken.add(job.queue);
      } else {
        results[index] = { id: row.existing_id ?? (await this.findExisting(job)), existed: true };
      }
    }
    answerRepeats(results, plan);
    for (const queue of woken) this.waiters.wake(queue);
    return results;
  }

  /** The job that won a concurrent insert of this id or key (committed after the enqueue statement began). */
  private async findExisting(job: NewJobRecord): Promise<string> {
    const [row] = await this.db.read(this.db.sql.findExisting, [job.queue, job.id, job.idempotencyKey ?? null]);
    return row?.id ?? job.id;
  }
}
