import {
  type AckOptions,
  type BatchOutcome,
  clipErrorText,
  ERROR_HISTORY_SIZE,
  type FailUpdate,
  type Lease,
  metricsMinute,
  type RetryUpdate,
  validateArray,
  validateFailUpdate,
  validateLease,
  validateLeaseMs,
  validateNow,
  validateResult,
  validateRetryUpdate,
} from '@taskharbor/core';
import type { DriverContext } from './driver-context.js';
import { LeaseWrites } from './lease-writes.js';
import { type DoneRules, doneRules, trimFinished } from './retention.js';

/**
 * The Driver operations on a reserved job (extendLease, ack, retry, fail,
 * release and their batch forms): each validates, runs its statement
 * through LeaseWrites, then wakes, trims and tells waiters. PostgresDriver
 * delegates here.
 */
export class LeaseOperations {
  private readonly writes: LeaseWrites;
  private readonly doneRules: DoneRules;

  constructor(private readonly ctx: DriverContext) {
    this.writes = new LeaseWrites(ctx.db);
    this.doneRules = doneRules(ctx.retention);
  }

  /** Moves the lease's expiry to now + leaseMs; the token stays. */
  async extendLease(lease: Lease, leaseMs: number, now: number): Promise<Lease> {
    this.ctx.assertOpen('extendLease');
    validateLease(lease);
    validateLeaseMs(leaseMs);
    validateNow(now);
    const [outcome] = await this.writes.extend('extendLease', [lease], leaseMs, now);
    if (outcome === undefined || !outcome.ok) throw outcome?.error;
    return outcome.value;
  }

  /** Marks the job done (storing the result) and applies retention. A repeat with the same token succeeds. */
  async ack(lease: Lease, now: number, options?: AckOptions): Promise<void> {
    this.ctx.assertOpen('ack');
    validateLease(lease);
    validateNow(now);
    validateResult(options?.result);
    const [outcome] = await this.ackBatch('ack', [lease], now, [options?.result]);
    if (outcome !== undefined && !outcome.ok) throw outcome.error;
  }

  /** Records the failure and puts the job back: ready tail when runnable now, else scheduled. */
  async retry(lease: Lease, update: RetryUpdate, now: number): Promise<void> {
    this.ctx.assertOpen('retry');
    validateLease(lease);
    validateRetryUpdate(update);
    validateNow(now);
    const outcome = await this.writes.one('retry', this.ctx.db.sql.retry, lease, now, undefined, [
      update.attempts,
      update.lastError === undefined ? null : clipErrorText(update.lastError),
      update.failedAt,
      update.runAt ?? null,
      ERROR_HISTORY_SIZE,
      metricsMinute(now),
      // Ready or scheduled by the caller's now, whichever clock the lease follows: runAt is on the caller's clock.
      update.runAt === undefined || update.runAt <= now,
    ]);
    if (outcome.changed) await this.afterOutcome(lease, outcome.row.new_status, outcome.decidedAt);
    await this.ctx.metricsSweep.seen(outcome.decidedAt);
  }

  /** Records the failure and dead-letters the job. A repeat with the same token succeeds. */
  async fail(lease: Lease, update: FailUpdate, now: number): Promise<void> {
    this.ctx.assertOpen('fail');
    validateLease(lease);
    validateFailUpdate(update);
    validateNow(now);
    const outcome = await this.writes.one('fail', this.ctx.db.sql.fail, lease, now, 'dlq', [
      update.attempts,
      update.lastError === undefined ? null : clipErrorText(update.lastError),
      update.failedAt,
      clipErrorText(update.reason),
      ERROR_HISTORY_SIZE,
      metricsMinute(now),
    ]);
    if (outcome.changed && Number(outcome.row.flow_wakes) > 0) this.ctx.waiters.wake(lease.queue);
    if (outcome.changed) await this.afterOutcome(lease, outcome.row.new_status, outcome.decidedAt);
    await this.ctx.metricsSweep.seen(outcome.decidedAt);
  }

  /** Gives the job back without counting a failure: it goes to the head of the ready order. */
  async release(lease: Lease, now: number): Promise<void> {
    this.ctx.assertOpen('release');
    validateLease(lease);
    validateNow(now);
    const outcome = await this.writes.one('release', this.ctx.db.sql.release, lease, now, undefined, []);
    if (outcome.changed) await this.afterOutcome(lease, outcome.row.new_status, outcome.decidedAt);
  }

  /** ack for many leases in one statement: one outcome per lease, each what ack alone would have done or thrown. */
  async ackMany(
    leases: readonly Lease[],
    now: number,
    results?: readonly (Uint8Array | undefined)[],
  ): Promise<BatchOutcome<void>[]> {
    this.ctx.assertOpen('ackMany');
    validateArray('leases', leases);
    validateNow(now);
    if (results !== undefined) validateArray('results', results);
    const { valid, outcomes } = splitValid<void>(leases, (lease, index) => {
      validateLease(lease);
      validateResult(results?.[index]);
    });
    const batch = await this.ackBatch(
      'ackMany',
      valid.map((index) => leases[index] as Lease),
      now,
      valid.map((index) => results?.[index]),
    );
    valid.forEach((index, position) => {
      outcomes[index] = batch[position] as BatchOutcome<void>;
    });
    return outcomes;
  }

  /** extendLease for many leases in one statement: one outcome per lease. */
  async extendLeases(leases: readonly Lease[], leaseMs: number, now: number): Promise<BatchOutcome<Lease>[]> {
    this.ctx.assertOpen('extendLeases');
    validateArray('leases', leases);
    validateLeaseMs(leaseMs);
    validateNow(now);
    const { valid, outcomes } = splitValid<Lease>(leases, (lease) => validateLease(lease));
    const batch = await this.writes.extend(
      'extendLeases',
      valid.map((index) => leases[index] as Lease),
      leaseMs,
      now,
    );
    valid.forEach((index, position) => {
      outcomes[index] = batch[position] as BatchOutcome<Lease>;
    });
    return outcomes;
  }

  /** Wakes, trims and tells waiters after retry, fail or release changed a job; `now` is the one the statement decided by. */
  private async afterOutcome(lease: Lease, status: string | null | undefined, now: number): Promise<void> {
    if (status === 'ready' || status === 'scheduled') this.ctx.waiters.wake(lease.queue);
    else if (status === 'dlq' || status === 'cancelled') await this.ctx.jobFinished(lease.queue, lease.jobId, status, now);
  }

  /**
   * Acks, counts and applies the done retention in one statement, then
   * tells this driver's finish waiters; only when the statement's retention
   * reached its step bound does a trim per queue and status follow.
   */
  private async ackBatch(
    operation: string,
    leases: readonly Lease[],
    now: number,
    results: readonly (Uint8Array | undefined)[],
  ): Promise<BatchOutcome<void>[]> {
    const flow = leases.some((lease) => this.ctx.flowQueues.has(lease.queue));
    const { outcomes, finished, retentionMore, slotsWoken, decidedAt } = await this.writes.ack(
      operation,
      leases,
      now,
      results,
      this.doneRules,
      flow,
    );
    const trims = new Map<string, { queue: string; status: 'done' | 'cancelled' }>();
    for (const job of finished) {
      void this.ctx.finishWaiters.recheck(job.queue, job.id);
      trims.set(`${job.status} ${job.queue}`, { queue: job.queue, status: job.status });
      // A freed slot of a limited queue with work waiting: this driver's waiters too (others hear the statement's notice).
      if (slotsWoken) this.ctx.waiters.wake(job.queue);
    }
    if (retentionMore) {
      for (const { queue, status } of trims.values()) await trimFinished(this.ctx.db, this.ctx.retention, queue, status, decidedAt);
    }
    await this.ctx.metricsSweep.seen(decidedAt);
    return outcomes;
  }
}

/** The indexes of the leases that pass `check`, and an outcome array holding the error of each one that does not. */
function splitValid<T>(
  leases: readonly Lease[],
  check: (lease: Lease, index: number) => void,
): { valid: number[]; outcomes: BatchOutcome<T>[] } {
  const outcomes: BatchOutcome<T>[] = new Array(leases.length);
  const valid: number[] = [];
  leases.forEach((lease, index) => {
    try {
      check(lease, index);
      valid.push(index);
    } catch (error) {
      outcomes[index] = { ok: false, error: error as Error };
    }
  });
  return { valid, outcomes };
}
