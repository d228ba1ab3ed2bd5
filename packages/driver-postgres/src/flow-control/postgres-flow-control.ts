import {
  effectiveGroupLimits,
  type FlowLimits,
  type GroupFlowState,
  type Lease,
  normalizeFlowLimits,
  type QueueFlowState,
  validateGroupName,
  validateQueueName,
  validateLimitsRequest,
  validateSnoozeRequest,
  validateHoldBackRequest,
} from '@taskharbor/core';
import type { DriverContext } from '../driver-context.js';
import { toMillis } from '../job-row.js';
import { LeaseWrites, type LeaseWriteRow } from '../lease-writes.js';
import { bindFlowStatements, type FlowStatements } from './flow-statements.js';

/**
 * The flowControl family on PostgreSQL: limits, pauses and holds live in
 * the queues and flow_groups tables; reserve applies them (reserve_flow,
 * migration 003). Each operation validates with core's checks before it
 * writes, then runs one statement. PostgresDriver delegates here;
 * docs/postgres.md ("Flow control") describes the tables and the reserve.
 */
export class PostgresFlowControl {
  private readonly sql: FlowStatements;
  private readonly writes: LeaseWrites;

  constructor(private readonly ctx: DriverContext) {
    this.sql = bindFlowStatements(ctx.db.schema, ctx.db.leaseClock);
    this.writes = new LeaseWrites(ctx.db);
  }

  async setQueueLimits(queue: string, limits: FlowLimits): Promise<void> {
    this.ctx.assertOpen('setQueueLimits');
    validateLimitsRequest(queue, limits);
    const { concurrency, rate } = normalizeFlowLimits(limits);
    await this.ctx.db.write('setQueueLimits', this.sql.setQueueLimits, [queue, concurrency ?? null, rate?.max ?? null, rate?.perMs ?? null]);
    this.ctx.waiters.wake(queue);
  }

  async setGroupLimits(queue: string, limits: FlowLimits, group?: string): Promise<void> {
    this.ctx.assertOpen('setGroupLimits');
    validateLimitsRequest(queue, limits, group);
    const { concurrency, rate } = normalizeFlowLimits(limits);
    const values = [concurrency ?? null, rate?.max ?? null, rate?.perMs ?? null] as const;
    if (group === undefined) await this.ctx.db.write('setGroupLimits', this.sql.setGroupDefaults, [queue, ...values]);
    else await this.ctx.db.write('setGroupLimits', this.sql.setGroupOverride, [queue, group, ...values]);
    this.ctx.waiters.wake(queue);
  }

  async pauseGroup(queue: string, group: string): Promise<void> {
    this.ctx.assertOpen('pauseGroup');
    validateQueueName(queue);
    validateGroupName(group);
    await this.ctx.db.write('pauseGroup', this.sql.setGroupPaused, [queue, group, true]);
  }

  async resumeGroup(queue: string, group: string): Promise<void> {
    this.ctx.assertOpen('resumeGroup');
    validateQueueName(queue);
    validateGroupName(group);
    await this.ctx.db.write('resumeGroup', this.sql.setGroupPaused, [queue, group, false]);
    this.ctx.waiters.wake(queue);
  }

  async flowState(queue: string): Promise<QueueFlowState> {
    this.ctx.assertOpen('flowState');
    validateQueueName(queue);
    const [row] = await this.ctx.db.read(this.sql.flowState, [queue]);
    const state: QueueFlowState = {
      limits: limitsOf(row?.concurrency ?? null, row?.rate_max ?? null, row?.rate_per_ms ?? null),
      groupDefaults: limitsOf(row?.group_concurrency ?? null, row?.group_rate_max ?? null, row?.group_rate_per_ms ?? null),
    };
    if (row?.held_until != null) state.heldUntil = toMillis(row.held_until);
    return state;
  }

  async groupState(queue: string, group: string): Promise<GroupFlowState> {
    this.ctx.assertOpen('groupState');
    validateQueueName(queue);
    validateGroupName(group);
    const [row] = await this.ctx.db.read(this.sql.groupState, [queue, group]);
    const defaults = limitsOf(row?.group_concurrency ?? null, row?.group_rate_max ?? null, row?.group_rate_per_ms ?? null);
    const overrides = limitsOf(row?.concurrency ?? null, row?.rate_max ?? null, row?.rate_per_ms ?? null);
    const state: GroupFlowState = {
      group,
      overrides,
      effective: effectiveGroupLimits(defaults, overrides),
      paused: row?.paused ?? false,
      inflight: row?.inflight ?? 0,
    };
    if (row?.held_until != null) state.heldUntil = toMillis(row.held_until);
    return state;
  }

  /** Ends the run without counting a failure; the job waits until runAt (ready at its priority's tail when due). */
  async snooze(lease: Lease, runAt: number, now: number): Promise<void> {
    this.ctx.assertOpen('snooze');
    validateSnoozeRequest(lease, runAt, now);
    // Ready or scheduled by the caller's now, whichever clock the lease follows: runAt is on the caller's clock.
    const outcome = await this.writes.one('snooze', this.sql.snooze, lease, now, undefined, [runAt, runAt <= now]);
    if (outcome.changed) await this.afterOutcome(lease, outcome.row, outcome.decidedAt);
  }

  /** Puts the job back at the head of its priority and holds its group (or queue) until `until`. */
  async holdBack(lease: Lease, until: number, now: number): Promise<void> {
    this.ctx.assertOpen('holdBack');
    validateHoldBackRequest(lease, until, now);
    const outcome = await this.writes.one('holdBack', this.sql.holdBack, lease, now, undefined, [until]);
    if (outcome.changed) await this.afterOutcome(lease, outcome.row, outcome.decidedAt);
  }

  private async afterOutcome(lease: Lease, row: LeaseWriteRow, now: number): Promise<void> {
    if (row.new_status === 'cancelled') await this.ctx.jobFinished(lease.queue, lease.jobId, 'cancelled', now);
    this.ctx.waiters.wake(lease.queue);
  }
}

/** Stored limit columns as FlowLimits (only the fields that are set). */
function limitsOf(concurrency: number | null, rateMax: number | null, ratePerMs: string | null): FlowLimits {
  const limits: FlowLimits = {};
  if (concurrency !== null) limits.concurrency = concurrency;
  if (rateMax !== null && ratePerMs !== null) limits.rate = { max: rateMax, perMs: toMillis(ratePerMs) };
  return limits;
}
