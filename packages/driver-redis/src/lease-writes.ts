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
import { ACKED, toOutcome } from './batch-outcome.js';
import type { DriverContext } from './driver-context.js';
import { runLeaseBatch } from './lease-batch.js';
import { runAck } from './lua/ack.js';
import { runExtend } from './lua/extend.js';
import { runFail } from './lua/fail.js';
import { type LeaseReply, throwIfRefused } from './lua/lease-reply.js';
import { runRelease } from './lua/release.js';
import { runRetry } from './lua/retry.js';

/** The lease extendLease returns: same token, new expiry, and `cancelRequested` when the script saw a cancel request. */
function extendedLease(lease: Lease, expiresAt: number, reply: LeaseReply | undefined): Lease {
  const extended: Lease = { jobId: lease.jobId, queue: lease.queue, token: lease.token, expiresAt };
  if (reply?.[1] === 'cancel') extended.cancelRequested = true;
  return extended;
}

/**
 * The operations that present a lease (renew, ack, retry, fail, release,
 * and their batch forms): each validates, then runs its Lua script, whose
 * lease check refuses a late writer. RedisDriver delegates here.
 */
export class RedisLeaseWrites {
  constructor(private readonly ctx: DriverContext) {}

  /** Moves the lease's expiry to now + leaseMs; the token stays. `cancelRequested` tells of a cancel request. */
  async extendLease(lease: Lease, leaseMs: number, now: number): Promise<Lease> {
    this.ctx.assertOpen('extendLease');
    validateLease(lease);
    validateLeaseMs(leaseMs);
    validateNow(now);
    await this.ctx.prepare();
    const expiresAt = now + leaseMs;
    const [reply] = await this.ctx.write(`extendLease of job ${lease.jobId}`, () =>
      runExtend(this.ctx.client, this.ctx.keys.queue(lease.queue), [lease], this.ctx.scriptNow(now), leaseMs),
      lease.queue,
    );
    throwIfRefused(reply, lease, now);
    return extendedLease(lease, expiresAt, reply);
  }

  /**
   * Marks the job done (kept for inspection, with `options.result`) and
   * applies retention; a job with a cancel request ends cancelled. A repeat
   * with the same token succeeds.
   */
  async ack(lease: Lease, now: number, options?: AckOptions): Promise<void> {
    this.ctx.assertOpen('ack');
    validateLease(lease);
    validateNow(now);
    validateResult(options?.result);
    await this.ctx.prepare();
    const [reply] = await this.ctx.write(`ack of job ${lease.jobId}`, () =>
      runAck(this.ctx.client, this.ctx.keys.queue(lease.queue), [lease], this.ctx.scriptNow(now), this.ctx.retention, [options?.result]),
      lease.queue,
    );
    throwIfRefused(reply, lease, now);
  }

  /** Records the failure and puts the job back: ready tail when runnable now, else scheduled. */
  async retry(lease: Lease, update: RetryUpdate, now: number): Promise<void> {
    this.ctx.assertOpen('retry');
    validateLease(lease);
    validateRetryUpdate(update);
    validateNow(now);
    await this.ctx.prepare();
    const reply = await this.ctx.write(`retry of job ${lease.jobId}`, () =>
      runRetry(this.ctx.client, this.ctx.keys.queue(lease.queue), lease, update, now, this.ctx.scriptNow(now), this.ctx.retention),
      lease.queue,
    );
    throwIfRefused(reply, lease, now);
  }

  /** Records the failure and dead-letters the job. A repeat with the same token succeeds. */
  async fail(lease: Lease, update: FailUpdate, now: number): Promise<void> {
    this.ctx.assertOpen('fail');
    validateLease(lease);
    validateFailUpdate(update);
    validateNow(now);
    await this.ctx.prepare();
    const reply = await this.ctx.write(`fail of job ${lease.jobId}`, () =>
      runFail(this.ctx.client, this.ctx.keys.queue(lease.queue), lease, update, this.ctx.scriptNow(now), this.ctx.retention),
      lease.queue,
    );
    throwIfRefused(reply, lease, now);
  }

  /** Gives the job back without counting a failure: it goes to the head of the ready list. */
  async release(lease: Lease, now: number): Promise<void> {
    this.ctx.assertOpen('release');
    validateLease(lease);
    validateNow(now);
    await this.ctx.prepare();
    const reply = await this.ctx.write(`release of job ${lease.jobId}`, () =>
      runRelease(this.ctx.client, this.ctx.keys.queue(lease.queue), lease, this.ctx.scriptNow(now), this.ctx.retention),
      lease.queue,
    );
    throwIfRefused(reply, lease, now);
  }

  /**
   * ack for many leases: the leases of each queue go in one script, and the
   * scripts of all queues go out together, so the whole batch is one round
   * trip. Each outcome is what ack alone would have done or thrown.
   */
  async ackMany(
    leases: readonly Lease[],
    now: number,
    results?: readonly (Uint8Array | undefined)[],
  ): Promise<BatchOutcome<void>[]> {
    this.ctx.assertOpen('ackMany');
    validateArray('leases', leases);
    validateNow(now);
    if (results !== undefined) {
      validateArray('results', results);
      for (const result of results) validateResult(result);
    }
    await this.ctx.prepare();
    const resultOf = results === undefined ? undefined : new Map(leases.map((lease, i) => [lease, results[i]]));
    return runLeaseBatch(
      this.ctx,
      leases,
      now,
      'ackMany',
      (queue, group) =>
        runAck(this.ctx.client, this.ctx.keys.queue(queue), group, this.ctx.scriptNow(now), this.ctx.retention, resultOf && group.map((lease) => resultOf.get(lease))),
      () => ACKED,
    );
  }

  /** extendLease for many leases, in one round trip; each outcome is what extendLease alone would have returned or thrown. */
  async extendLeases(leases: readonly Lease[], leaseMs: number, now: number): Promise<BatchOutcome<Lease>[]> {
    this.ctx.assertOpen('extendLeases');
    validateArray('leases', leases);
    validateLeaseMs(leaseMs);
    validateNow(now);
    await this.ctx.prepare();
    const expiresAt = now + leaseMs;
    return runLeaseBatch(
      this.ctx,
      leases,
      now,
      'extendLeases',
      (queue, group) => runExtend(this.ctx.client, this.ctx.keys.queue(queue), group, this.ctx.scriptNow(now), leaseMs),
      (lease, reply) => toOutcome(extendedLease(lease, expiresAt, reply)),
    );
  }
}
