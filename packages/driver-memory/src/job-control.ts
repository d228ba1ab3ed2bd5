import {
  type CancelListeners,
  type CancelOptions,
  type CancelResult,
  type CancelSubscription,
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
import type { DriverContext } from './driver-context.js';
import { cancelJob, dlqJobsToRequeue, promoteJob, purgeJobs, removeJob, resetForRequeue } from './job-control-ops.js';
import { trimCancelledJobs } from './retention.js';
import { toRecord } from './stored-job.js';

/**
 * The JobControl family in memory: each operation validates, finds the
 * job or queue, applies one change from job-control-ops.ts and tells
 * waiters and cancel listeners, without awaiting. MemoryDriver delegates here.
 */
export class MemoryJobControl {
  constructor(
    private readonly ctx: DriverContext,
    private readonly cancelListeners: CancelListeners,
  ) {}

  /** Cancels a waiting job at once; a running one gets a cancel request that its run's outcome turns into cancelled. */
  async cancel(ref: JobRef, options: CancelOptions): Promise<CancelResult> {
    this.ctx.assertOpen('cancel');
    validateJobRef(ref);
    validateCancelOptions(options);
    const { state, job } = this.ctx.findJob(ref);
    const result = cancelJob(state, job, options.reason, options.now);
    if (result.status === 'cancelled') {
      this.ctx.finishWaiters.finished(state.name, job.id, () => toRecord(job));
      trimCancelledJobs(state, this.ctx.retention, options.now);
    } else {
      this.cancelListeners.requested(ref);
    }
    return result;
  }

  /** Deletes a job that is not in flight, with its idempotency mapping. */
  async remove(ref: JobRef): Promise<void> {
    this.ctx.assertOpen('remove');
    validateJobRef(ref);
    const { state, job } = this.ctx.findJob(ref);
    removeJob(state, job);
    this.ctx.finishWaiters.removed(state.name, job.id);
  }

  /** Makes a scheduled job ready now, at the ready tail. */
  async promote(ref: JobRef, options: PromoteOptions): Promise<void> {
    this.ctx.assertOpen('promote');
    validateJobRef(ref);
    validateNow(options?.now);
    const { state, job } = this.ctx.findJob(ref);
    promoteJob(state, job);
    this.ctx.place(state, job);
  }

  /** Stops the queue handing out jobs until resume. */
  async pause(queue: string): Promise<void> {
    this.ctx.assertOpen('pause');
    validateQueueName(queue);
    this.ctx.stateFor(queue).paused = true;
  }

  /** Lets the queue hand out jobs again and wakes its waiting workers. */
  async resume(queue: string): Promise<void> {
    this.ctx.assertOpen('resume');
    validateQueueName(queue);
    const state = this.ctx.queueStates.get(queue);
    if (state === undefined || !state.paused) return;
    state.paused = false;
    this.ctx.waiters.wake(queue);
  }

  /** Removes matching jobs up to the limit; returns how many. */
  async purge(queue: string, options: PurgeOptions): Promise<number> {
    this.ctx.assertOpen('purge');
    validateQueueName(queue);
    validatePurgeOptions(options);
    const state = this.ctx.queueStates.get(queue);
    if (state === undefined) return 0;
    const removed = purgeJobs(state, options, options.limit ?? Number.POSITIVE_INFINITY);
    for (const job of removed) this.ctx.finishWaiters.removed(queue, job.id);
    return removed.length;
  }

  /** Moves matching dead-lettered jobs to the ready tail, oldest failure first, up to the limit; returns how many. */
  async requeueDlqMany(queue: string, options: RequeueManyOptions): Promise<number> {
    this.ctx.assertOpen('requeueDlqMany');
    validateQueueName(queue);
    validateRequeueManyOptions(options);
    const state = this.ctx.queueStates.get(queue);
    if (state === undefined) return 0;
    const picked = dlqJobsToRequeue(state, options, options.limit ?? Number.POSITIVE_INFINITY);
    for (const job of picked) {
      state.dlq.delete(job.id);
      resetForRequeue(job, options.resetAttempts === true);
      job.runAt = undefined;
      job.status = 'ready';
      this.ctx.place(state, job);
    }
    return picked.length;
  }

  /** Stores a progress report on a job whose lease is still valid. */
  async setProgress(lease: Lease, progressJson: string, now: number): Promise<void> {
    this.ctx.assertOpen('setProgress');
    validateLease(lease);
    validateProgressJson(progressJson);
    validateNow(now);
    this.ctx.checkInFlight(lease, now).job.progressJson = progressJson;
  }

  /** Resolves once the job is done, dead-lettered or cancelled. */
  async waitForFinish(ref: JobRef, signal: AbortSignal): Promise<JobRecord> {
    this.ctx.assertOpen('waitForFinish');
    validateJobRef(ref);
    validateWaitRequest({ queues: [ref.queue], signal });
    signal.throwIfAborted();
    const { job } = this.ctx.findJob(ref);
    if (job.status === 'done' || job.status === 'dlq' || job.status === 'cancelled') return toRecord(job);
    return this.ctx.finishWaiters.wait(ref.queue, ref.id, signal);
  }

  /** Hears every cancel request of a job in flight in the queues until the signal aborts. */
  async subscribeCancels(subscription: CancelSubscription, onCancel: (ref: JobRef) => void): Promise<void> {
    this.ctx.assertOpen('subscribeCancels');
    validateWaitRequest(subscription);
    if (typeof onCancel !== 'function') throw new ValidationError('onCancel', 'expected a function');
    this.cancelListeners.add([...subscription.queues], subscription.signal, onCancel);
  }
}
