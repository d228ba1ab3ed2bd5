import {
  BULK_STEP_SIZE,
  type CancelListeners,
  type CancelOptions,
  type CancelResult,
  type CancelSubscription,
  clipErrorText,
  InvalidJobStateError,
  JobNotFoundError,
  type JobRecord,
  type JobRef,
  type Lease,
  type PromoteOptions,
  type PurgeOptions,
  type RequeueManyOptions,
  ValidationError,
  validateCancelOptions,
  validateJobRef,
  validateLease,
  validateNow,
  validateProgressJson,
  validatePurgeOptions,
  validateQueueName,
  validateRequeueManyOptions,
  validateWaitRequest,
} from '@taskharbor/core';
import type { Database } from '../database.js';
import type { DriverContext } from '../driver-context.js';
import { toRecord } from '../job-row.js';
import { LeaseWrites } from '../lease-writes.js';
import type { Listener } from '../listener.js';

/**
 * The JobControl family on PostgreSQL: each operation validates, then runs
 * its statement (bulk operations in bounded steps); waits and cancel
 * requests ride on the driver's one listening connection. PostgresDriver
 * delegates here. docs/postgres.md describes the statements.
 */
export class PostgresJobControl {
  private readonly writes: LeaseWrites;

  constructor(
    private readonly ctx: DriverContext,
    private readonly listener: Listener,
    private readonly cancelListeners: CancelListeners,
    /** The schema is migrated (every waiter needs it before it listens). */
    private readonly ready: () => Promise<void>,
  ) {
    this.writes = new LeaseWrites(ctx.db);
  }

  /** Cancels a waiting job at once; a running one gets a cancel request, pushed to subscribeCancels listeners. */
  async cancel(ref: JobRef, options: CancelOptions): Promise<CancelResult> {
    this.ctx.assertOpen('cancel');
    validateJobRef(ref);
    validateCancelOptions(options);
    const reason = options.reason === undefined ? null : clipErrorText(options.reason);
    const [row] = await this.ctx.db.write('cancel', this.ctx.db.sql.cancel, [ref.queue, ref.id, options.now, reason]);
    if (row?.status == null) throw new JobNotFoundError(ref.queue, ref.id);
    if (row.new_status === null) {
      throw new InvalidJobStateError(ref.id, row.status, 'cancel', 'only a waiting or running job can be cancelled');
    }
    if (row.new_status === 'inflight') return { status: 'cancelling' };
    await this.ctx.jobFinished(ref.queue, ref.id, 'cancelled', options.now);
    return { status: 'cancelled' };
  }

  /** Deletes a job that is not in flight, with its idempotency mapping. */
  async remove(ref: JobRef): Promise<void> {
    this.ctx.assertOpen('remove');
    validateJobRef(ref);
    const [row] = await this.ctx.db.write('remove', this.ctx.db.sql.remove, [ref.queue, ref.id]);
    if (row?.status == null) throw new JobNotFoundError(ref.queue, ref.id);
    if (!row.removed) {
      throw new InvalidJobStateError(ref.id, row.status, 'remove', 'cancel it first, then remove it once it has finished');
    }
    void this.ctx.finishWaiters.recheck(ref.queue, ref.id);
  }

  /** Makes a scheduled job ready now, at the ready tail. */
  async promote(ref: JobRef, options: PromoteOptions): Promise<void> {
    this.ctx.assertOpen('promote');
    validateJobRef(ref);
    validateNow(options?.now);
    const [row] = await this.ctx.db.write('promote', this.ctx.db.sql.promote, [ref.queue, ref.id]);
    if (row?.status == null) throw new JobNotFoundError(ref.queue, ref.id);
    if (!row.promoted) throw new InvalidJobStateError(ref.id, row.status, 'promote', 'only a scheduled job can be promoted');
    this.ctx.waiters.wake(ref.queue);
  }

  /** Stops the queue handing out jobs until resume; stored, so every process obeys it. */
  async pause(queue: string): Promise<void> {
    this.ctx.assertOpen('pause');
    validateQueueName(queue);
    await this.ctx.db.write('pause', this.ctx.db.sql.setPaused, [queue, true]);
  }

  /** Lets the queue hand out jobs again and wakes its waiting workers. */
  async resume(queue: string): Promise<void> {
    this.ctx.assertOpen('resume');
    validateQueueName(queue);
    await this.ctx.db.write('resume', this.ctx.db.sql.setPaused, [queue, false]);
    this.ctx.waiters.wake(queue);
  }

  /** Removes matching jobs, at most BULK_STEP_SIZE per statement, up to the limit; returns how many. */
  async purge(queue: string, options: PurgeOptions): Promise<number> {
    this.ctx.assertOpen('purge');
    validateQueueName(queue);
    validatePurgeOptions(options);
    return inSteps(options.limit, async (step) => {
      const [row] = await this.ctx.db.write('purge', this.ctx.db.sql.purgeStep, [
        queue,
        options.status,
        options.type ?? null,
        options.olderThanMs ?? null,
        options.now ?? null,
        step,
      ]);
      return row?.removed ?? 0;
    });
  }

  /** Moves matching dead-lettered jobs to the ready tail, oldest failure first, at most BULK_STEP_SIZE per statement. */
  async requeueDlqMany(queue: string, options: RequeueManyOptions): Promise<number> {
    this.ctx.assertOpen('requeueDlqMany');
    validateQueueName(queue);
    validateRequeueManyOptions(options);
    const moved = await inSteps(options.limit, async (step) => {
      const [row] = await this.ctx.db.write('requeueDlqMany', this.ctx.db.sql.requeueDlq, [
        queue,
        null,
        options.type ?? null,
        step,
        options.resetAttempts === true,
        null,
        options.now,
      ]);
      return row?.moved ?? 0;
    });
    if (moved > 0) this.ctx.waiters.wake(queue);
    return moved;
  }

  /** Stores a progress report on a job whose lease is still valid. */
  async setProgress(lease: Lease, progressJson: string, now: number): Promise<void> {
    this.ctx.assertOpen('setProgress');
    validateLease(lease);
    validateProgressJson(progressJson);
    validateNow(now);
    await this.writes.one('setProgress', this.ctx.db.sql.setProgress, lease, now, undefined, [progressJson]);
  }

  /** Resolves once the job is done, dead-lettered or cancelled; waits on the shared listening connection. */
  async waitForFinish(ref: JobRef, signal: AbortSignal): Promise<JobRecord> {
    this.ctx.assertOpen('waitForFinish');
    validateJobRef(ref);
    validateWaitRequest({ queues: [ref.queue], signal });
    signal.throwIfAborted();
    // Registered before anything is awaited, so an abort or a close meanwhile settles it.
    const waiting = this.ctx.finishWaiters.wait(ref, signal);
    void this.watchFinish(ref);
    return waiting;
  }

  /** Calls onCancel for every cancel request of a running job in the queues, from any process, until the signal aborts. */
  async subscribeCancels(subscription: CancelSubscription, onCancel: (ref: JobRef) => void): Promise<void> {
    this.ctx.assertOpen('subscribeCancels');
    validateWaitRequest(subscription);
    if (typeof onCancel !== 'function') throw new ValidationError('onCancel', 'expected a function');
    await this.listener.listening();
    this.cancelListeners.add([...subscription.queues], subscription.signal, onCancel);
  }

  /**
   * Listens, marks the job watched (so the statement that finishes it
   * notifies) and reads it once: that read settles a wait on a job that is
   * unknown or finished already, or finished while the mark was set. A
   * failure here leaves the wait to the safety re-check.
   */
  private async watchFinish(ref: JobRef): Promise<void> {
    try {
      await this.ready();
      await this.listener.listening();
      await this.ctx.db.read(this.ctx.db.sql.watch, [ref.queue, ref.id]);
    } catch {
      return;
    }
    await this.ctx.finishWaiters.recheck(ref.queue, ref.id);
  }
}

/** What a finish waiter learns from one read: the finished record, JobNotFoundError, or undefined while it runs. */
export async function finishedRecord(db: Database, ref: JobRef): Promise<JobRecord | Error | undefined> {
  const [row] = await db.read(db.sql.inspect, [ref.queue, ref.id]);
  if (row === undefined) return new JobNotFoundError(ref.queue, ref.id);
  return row.status === 'done' || row.status === 'dlq' || row.status === 'cancelled' ? toRecord(row) : undefined;
}

/** Runs a bounded step (at most BULK_STEP_SIZE) until the limit or a step that finds nothing; returns the total. */
async function inSteps(limit: number | undefined, step: (size: number) => Promise<number>): Promise<number> {
  const max = limit ?? Number.POSITIVE_INFINITY;
  let total = 0;
  while (total < max) {
    const done = await step(Math.min(BULK_STEP_SIZE, max - total));
    total += done;
    if (done === 0) break;
  }
  return total;
}
