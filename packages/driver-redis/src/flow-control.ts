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
import type { DriverContext } from './driver-context.js';
import { runFlowState } from './lua/flow-state.js';
import { runHoldBack } from './lua/hold-back.js';
import { throwIfRefused } from './lua/lease-reply.js';
import { runPauseGroup } from './lua/pause-group.js';
import { type LimitScope, runSetFlowLimits } from './lua/set-flow-limits.js';
import { runSnooze } from './lua/snooze.js';

/**
 * The FlowControl family on Redis: limits, group pauses and state reads,
 * snooze and hold-back, each one script under the queue's hash tag (the
 * order and the limits themselves live in reserve-8.lua and
 * includes/flow*.lua). docs/redis.md describes the keys.
 */
export class RedisFlowControl {
  constructor(private readonly ctx: DriverContext) {}

  async setQueueLimits(queue: string, limits: FlowLimits): Promise<void> {
    await this.begin('setQueueLimits', () => {
      validateLimitsRequest(queue, limits);
    });
    await this.store(queue, { scope: 'queue' }, limits);
  }

  async setGroupLimits(queue: string, limits: FlowLimits, group?: string): Promise<void> {
    await this.begin('setGroupLimits', () => {
      validateLimitsRequest(queue, limits, group);
    });
    await this.store(queue, group === undefined ? { scope: 'defaults' } : { scope: 'group', group }, limits);
  }

  async pauseGroup(queue: string, group: string): Promise<void> {
    await this.pauseOrResume('pause', queue, group);
  }

  async resumeGroup(queue: string, group: string): Promise<void> {
    await this.pauseOrResume('resume', queue, group);
  }

  async flowState(queue: string): Promise<QueueFlowState> {
    await this.begin('flowState', () => validateQueueName(queue));
    const stored = await runFlowState(this.ctx.client, this.ctx.keys.queue(queue), undefined);
    const state: QueueFlowState = { limits: stored.limits, groupDefaults: stored.groupDefaults };
    if (stored.heldUntil !== undefined) state.heldUntil = stored.heldUntil;
    return state;
  }

  async groupState(queue: string, group: string): Promise<GroupFlowState> {
    await this.begin('groupState', () => {
      validateQueueName(queue);
      validateGroupName(group);
    });
    const stored = await runFlowState(this.ctx.client, this.ctx.keys.queue(queue), group);
    const own = stored.group as NonNullable<typeof stored.group>;
    const state: GroupFlowState = {
      group,
      overrides: own.overrides,
      effective: effectiveGroupLimits(stored.groupDefaults, own.overrides),
      paused: own.paused,
      inflight: own.inflight,
    };
    if (own.heldUntil !== undefined) state.heldUntil = own.heldUntil;
    return state;
  }

  async snooze(lease: Lease, runAt: number, now: number): Promise<void> {
    await this.begin('snooze', () => {
      validateSnoozeRequest(lease, runAt, now);
    });
    const reply = await this.ctx.write(
      `snooze of job ${lease.jobId}`,
      () => runSnooze(this.ctx.client, this.ctx.keys.queue(lease.queue), lease, runAt, now, this.ctx.scriptNow(now), this.ctx.retention),
      lease.queue,
    );
    throwIfRefused(reply, lease, now);
  }

  async holdBack(lease: Lease, until: number, now: number): Promise<void> {
    await this.begin('holdBack', () => {
      validateHoldBackRequest(lease, until, now);
    });
    const reply = await this.ctx.write(
      `holdBack of job ${lease.jobId}`,
      () => runHoldBack(this.ctx.client, this.ctx.keys.queue(lease.queue), lease, until, this.ctx.scriptNow(now), this.ctx.retention),
      lease.queue,
    );
    throwIfRefused(reply, lease, now);
  }

  private async store(queue: string, target: LimitScope, limits: FlowLimits): Promise<void> {
    const normalized = normalizeFlowLimits(limits);
    await this.ctx.write(`${target.scope} limits of queue ${queue}`, () => runSetFlowLimits(this.ctx.client, this.ctx.keys.queue(queue), target, normalized), queue);
  }

  private async pauseOrResume(action: 'pause' | 'resume', queue: string, group: string): Promise<void> {
    await this.begin(action === 'pause' ? 'pauseGroup' : 'resumeGroup', () => {
      validateQueueName(queue);
      validateGroupName(group);
    });
    await this.ctx.write(`${action} of group ${group}`, () => runPauseGroup(this.ctx.client, this.ctx.keys.queue(queue), action, group), queue);
  }

  private async begin(operation: string, validate: () => void): Promise<void> {
    this.ctx.assertOpen(operation);
    validate();
    await this.ctx.prepare();
  }
}
