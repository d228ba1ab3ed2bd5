import {
  type FlowLimits,
  type GroupFlowState,
  type Lease,
  type QueueFlowState,
  validateGroupName,
  validateHoldBackRequest,
  validateLimitsRequest,
  validateQueueName,
  validateSnoozeRequest,
} from '@taskharbor/core';
import type { DriverContext } from './driver-context.js';
import { markWaiting } from './job-placement.js';

/**
 * The FlowControl family in memory: limits, group pauses and state reads
 * act on the queue's flow state (flow-state.ts), made the first time a
 * queue needs it; snooze and holdBack end a run without a failure. Each
 * validates, then changes state without awaiting. MemoryDriver delegates here.
 */
export class MemoryFlowControl {
  constructor(private readonly ctx: DriverContext) {}

  /** Replaces the queue's limits (`{}` clears them). */
  async setQueueLimits(queue: string, limits: FlowLimits): Promise<void> {
    this.ctx.assertOpen('setQueueLimits');
    validateLimitsRequest(queue, limits);
    this.ctx.stateFor(queue).enableFlow().setQueueLimits(limits);
    this.ctx.waiters.wake(queue);
  }

  /** Replaces the group defaults, or one group's override; `{}` clears it. */
  async setGroupLimits(queue: string, limits: FlowLimits, group?: string): Promise<void> {
    this.ctx.assertOpen('setGroupLimits');
    validateLimitsRequest(queue, limits, group);
    this.ctx.stateFor(queue).enableFlow().setGroupLimits(limits, group);
    this.ctx.waiters.wake(queue);
  }

  /** Stops the group's jobs being handed out until resumeGroup. */
  async pauseGroup(queue: string, group: string): Promise<void> {
    this.ctx.assertOpen('pauseGroup');
    validateQueueName(queue);
    validateGroupName(group);
    this.ctx.stateFor(queue).enableFlow().pauseGroup(group);
  }

  /** Lets the group's jobs be handed out again and wakes waiting workers. */
  async resumeGroup(queue: string, group: string): Promise<void> {
    this.ctx.assertOpen('resumeGroup');
    validateQueueName(queue);
    validateGroupName(group);
    if (this.ctx.queueStates.get(queue)?.flow?.resumeGroup(group)) this.ctx.waiters.wake(queue);
  }

  /** The queue's limits, group defaults and hold. */
  async flowState(queue: string): Promise<QueueFlowState> {
    this.ctx.assertOpen('flowState');
    validateQueueName(queue);
    return this.ctx.queueStates.get(queue)?.flow?.flowState() ?? { limits: {}, groupDefaults: {} };
  }

  /** One group's overrides, effective limits, pause flag, jobs in flight and hold. */
  async groupState(queue: string, group: string): Promise<GroupFlowState> {
    this.ctx.assertOpen('groupState');
    validateQueueName(queue);
    validateGroupName(group);
    const flow = this.ctx.queueStates.get(queue)?.flow;
    return flow?.groupState(group) ?? { group, overrides: {}, effective: {}, paused: false, inflight: 0 };
  }

  /** Ends a run without counting a failure: the job waits until runAt (ready at its priority's tail when due). */
  async snooze(lease: Lease, runAt: number, now: number): Promise<void> {
    this.ctx.assertOpen('snooze');
    validateSnoozeRequest(lease, runAt, now);
    const { state, job } = this.ctx.checkInFlight(lease, now);
    this.ctx.leaveFlight(state, job);
    if (job.cancelRequestedAt !== undefined) return this.ctx.finishCancelled(state, job, now);
    job.snoozes = (job.snoozes ?? 0) + 1;
    markWaiting(job, runAt, this.ctx.statusAt(runAt, now));
    this.ctx.place(state, job);
  }

  /** Puts the job back at the head of its priority and holds its group (or its queue) until `until`. */
  async holdBack(lease: Lease, until: number, now: number): Promise<void> {
    this.ctx.assertOpen('holdBack');
    validateHoldBackRequest(lease, until, now);
    const { state, job } = this.ctx.checkInFlight(lease, now);
    this.ctx.leaveFlight(state, job);
    if (job.cancelRequestedAt !== undefined) return this.ctx.finishCancelled(state, job, now);
    state.enableFlow().hold(job, until);
    this.ctx.putBackFirst(state, job);
  }
}
