import { type BatchOutcome, type Clock, type Driver, type Lease, LeaseExpiredError } from '@taskharbor/core';
import { isLeaseError, toError } from './errors.js';
import { startTimer } from './timers.js';

/** A running job as the heartbeat sees it. */
export interface LeaseHolder {
  readonly lease: Lease;
  /** How long each renewal makes the lease. */
  readonly leaseMs: number;
  /** False once the job no longer needs its lease (its outcome is being written, or it was lost or released). */
  readonly renewable: boolean;
  leaseExtended(lease: Lease): void;
  leaseLost(error: Error): void;
}

export interface HeartbeatInput {
  driver: Driver;
  clock: Clock;
  intervalMs: number;
  /** The worker's current jobs. */
  holders: () => Iterable<LeaseHolder>;
  /** An extension failed for a reason other than the lease (a dropped connection); it is tried again at the next beat. */
  onError: (error: Error, lease: Lease | undefined) => void;
}

/**
 * Renews the leases of all running jobs with one timer per worker and one
 * batched call per queue and beat (extendLeases when the driver has it, else
 * one extendLease per job, sent together). The timer runs only while jobs
 * run, so an idle worker has no heartbeat. Each queue's renewal settles on
 * its own, and a queue whose last renewal has not answered yet (its Redis
 * shard is silent) is skipped until it does: renewals never pile up, and a
 * slow queue never delays the leases of the others.
 */
export class Heartbeat {
  private readonly input: HeartbeatInput;
  private cancelTimer: (() => void) | undefined;
  /** Queues whose renewal is still out. */
  private readonly renewing = new Set<string>();
  private stopped = false;

  constructor(input: HeartbeatInput) {
    this.input = input;
  }

  /** Makes sure a beat is coming; called whenever a job starts. */
  ensure(): void {
    if (this.stopped || this.cancelTimer !== undefined) return;
    this.cancelTimer = startTimer(this.input.clock, this.input.intervalMs, () => {
      this.cancelTimer = undefined;
      this.tick();
    });
  }

  /** Drops the pending beat: no job needs one. ensure() brings it back. */
  pause(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
  }

  stop(): void {
    this.stopped = true;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
  }

  private tick(): void {
    void this.beat().catch((error: unknown) => this.input.onError(toError(error), undefined));
    for (const holder of this.input.holders()) {
      if (holder.renewable) {
        this.ensure();
        break;
      }
    }
  }

  /** Renews every renewable lease once, except on queues whose previous renewal is still out. */
  async beat(): Promise<void> {
    const { clock } = this.input;
    const now = clock.now();
    const queues = new Map<string, Map<number, LeaseHolder[]>>();
    for (const holder of this.input.holders()) {
      if (!holder.renewable) continue;
      // Renewing cannot help a lease that already ran out: another worker may hold the job.
      if (now >= holder.lease.expiresAt) {
        holder.leaseLost(new LeaseExpiredError(holder.lease.jobId, holder.lease.expiresAt, now));
        continue;
      }
      const queue = holder.lease.queue;
      if (this.renewing.has(queue)) continue;
      let groups = queues.get(queue);
      if (groups === undefined) {
        groups = new Map();
        queues.set(queue, groups);
      }
      const group = groups.get(holder.leaseMs);
      if (group === undefined) groups.set(holder.leaseMs, [holder]);
      else group.push(holder);
    }
    await Promise.all([...queues].map(([queue, groups]) => this.renewQueue(queue, groups, now)));
  }

  private async renewQueue(queue: string, groups: Map<number, LeaseHolder[]>, now: number): Promise<void> {
    this.renewing.add(queue);
    try {
      await Promise.all([...groups].map(([leaseMs, holders]) => this.renew(holders, leaseMs, now)));
    } finally {
      this.renewing.delete(queue);
    }
  }

  private async renew(holders: LeaseHolder[], leaseMs: number, now: number): Promise<void> {
    let outcomes: BatchOutcome<Lease>[];
    try {
      outcomes = await this.extend(
        holders.map((holder) => holder.lease),
        leaseMs,
        now,
      );
    } catch (error) {
      this.input.onError(toError(error), undefined);
      return;
    }
    holders.forEach((holder, i) => {
      const outcome = outcomes[i];
      // The job finished while the beat was in flight: a lease error now only reflects our own outcome.
      if (outcome === undefined || !holder.renewable) return;
      if (outcome.ok) holder.leaseExtended(outcome.value);
      else if (isLeaseError(outcome.error)) holder.leaseLost(outcome.error);
      else this.input.onError(outcome.error, holder.lease);
    });
  }

  private extend(leases: Lease[], leaseMs: number, now: number): Promise<BatchOutcome<Lease>[]> {
    const { driver } = this.input;
    if (driver.extendLeases !== undefined) return driver.extendLeases(leases, leaseMs, now);
    return Promise.all(
      leases.map((lease) =>
        driver.extendLease(lease, leaseMs, now).then(
          (value): BatchOutcome<Lease> => ({ ok: true, value }),
          (error: unknown): BatchOutcome<Lease> => ({ ok: false, error: toError(error) }),
        ),
      ),
    );
  }
}
