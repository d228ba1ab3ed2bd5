import {
  type AckOptions,
  type BatchOutcome,
  type FailUpdate,
  type Lease,
  type RetryUpdate,
  validateArray,
  validateFailUpdate,
  validateLease,
  validateLeaseMs,
  validateNow,
  validateResult,
  validateRetryUpdate,
} from '@taskharbor/core';
import { toOutcome } from './batch-outcome.js';
import type { DriverContext } from './driver-context.js';
import { recordFailure } from './error-history.js';
import { markDead, markWaiting } from './job-placement.js';
import { trimDeadJobs } from './retention.js';
import { toRecord } from './stored-job.js';

/**
 * The operations that present a lease (renew, ack, retry, fail, release,
 * and their batch forms): each validates, runs the lease checks and writes
 * the job's new state without awaiting. MemoryDriver delegates here.
 */
export class MemoryLeaseWrites {
  constructor(private readonly ctx: DriverContext) {}

  /** Moves the lease's expiry to now + leaseMs; the token stays. */
  async extendLease(lease: Lease, leaseMs: number, now: number): Promise<Lease> {
    this.ctx.assertOpen('extendLease');
    validateLease(lease);
    validateLeaseMs(leaseMs);
    validateNow(now);
    return this.ctx.extendOne(lease, leaseMs, now);
  }

  /** Marks the job done and applies retention to its queue. A repeat with the same token succeeds. */
  async ack(lease: Lease, now: number, options?: AckOptions): Promise<void> {
    this.ctx.assertOpen('ack');
    validateLease(lease);
    validateNow(now);
    validateResult(options?.result);
    this.ctx.ackOne(lease, now, options?.result);
  }

  /** Records the failure and puts the job back: ready tail when runnable now, else scheduled. */
  async retry(lease: Lease, update: RetryUpdate, now: number): Promise<void> {
    this.ctx.assertOpen('retry');
    validateLease(lease);
    validateRetryUpdate(update);
    validateNow(now);
    const { state, job } = this.ctx.checkInFlight(lease, now);
    this.ctx.leaveFlight(state, job);
    recordFailure(job, update);
    this.ctx.countRun(state.name, 'failed', now);
    if (job.cancelRequestedAt !== undefined) return this.ctx.finishCancelled(state, job, now);
    markWaiting(job, update.runAt, this.ctx.statusAt(update.runAt, now));
    this.ctx.place(state, job);
  }

  /** Records the failure and dead-letters the job. A repeat with the same token succeeds. */
  async fail(lease: Lease, update: FailUpdate, now: number): Promise<void> {
    this.ctx.assertOpen('fail');
    validateLease(lease);
    validateFailUpdate(update);
    validateNow(now);
    const leased = this.ctx.checkLeased(lease, now, 'dlq');
    if (leased === undefined) return;
    const { state, job } = leased;
    this.ctx.leaveFlight(state, job);
    recordFailure(job, update);
    // A cancel request turns the failure into a cancel: a failed run, but no dead letter.
    this.ctx.countRun(state.name, job.cancelRequestedAt === undefined ? 'dead' : 'failed', now);
    if (job.cancelRequestedAt !== undefined) return this.ctx.finishCancelled(state, job, now);
    markDead(state, job, update.reason, now);
    this.ctx.finishWaiters.finished(state.name, job.id, () => toRecord(job));
    trimDeadJobs(state, this.ctx.retention, now);
  }

  /** Gives the job back without counting a failure: it goes to the head of the ready list. */
  async release(lease: Lease, now: number): Promise<void> {
    this.ctx.assertOpen('release');
    validateLease(lease);
    validateNow(now);
    const { state, job } = this.ctx.checkInFlight(lease, now);
    this.ctx.leaveFlight(state, job);
    if (job.cancelRequestedAt !== undefined) return this.ctx.finishCancelled(state, job, now);
    this.ctx.putBackFirst(state, job);
  }

  /** ack for many leases: one outcome per lease, each what ack alone would have done or thrown. */
  async ackMany(
    leases: readonly Lease[],
    now: number,
    results?: readonly (Uint8Array | undefined)[],
  ): Promise<BatchOutcome<void>[]> {
    this.ctx.assertOpen('ackMany');
    validateArray('leases', leases);
    validateNow(now);
    if (results !== undefined) validateArray('results', results);
    return leases.map((lease, index) =>
      toOutcome(() => {
        validateLease(lease);
        const result = results?.[index];
        validateResult(result);
        this.ctx.ackOne(lease, now, result);
      }),
    );
  }

  /** extendLease for many leases: one outcome per lease, each what extendLease alone would have returned or thrown. */
  async extendLeases(leases: readonly Lease[], leaseMs: number, now: number): Promise<BatchOutcome<Lease>[]> {
    this.ctx.assertOpen('extendLeases');
    validateArray('leases', leases);
    validateLeaseMs(leaseMs);
    validateNow(now);
    return leases.map((lease) =>
      toOutcome(() => {
        validateLease(lease);
        return this.ctx.extendOne(lease, leaseMs, now);
      }),
    );
  }
}
