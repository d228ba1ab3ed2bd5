import type { Lease } from './job.js';

/** At most `max` jobs start within any window of `perMs` milliseconds, wherever the window starts (a sliding window). */
export interface RateLimit {
  /** The most starts in one window: an integer from 1 to MAX_RATE_MAX. */
  max: number;
  /** The window's length in milliseconds: an integer from 1 to MAX_RATE_WINDOW_MS. */
  perMs: number;
}

/**
 * Limits on a queue, or on the groups of a queue. An unset field is no
 * limit. Setting limits replaces what was stored; `{}` clears them.
 */
export interface FlowLimits {
  /** The most jobs in flight at once, across every worker and process: an integer from 1 to MAX_CONCURRENCY_LIMIT. */
  concurrency?: number;
  /** The most jobs started per window, across every worker and process. */
  rate?: RateLimit;
}

/** What flowState reads for one queue. */
export interface QueueFlowState {
  /** The queue's own limits (setQueueLimits). */
  limits: FlowLimits;
  /** The limits every group of the queue gets unless it has an override (setGroupLimits without a group). */
  groupDefaults: FlowLimits;
  /**
   * The end of the latest hold a handler asked for on the whole queue
   * (RateLimitedError from a job without a group). It may lie in the past:
   * reads take no clock. Unset when there never was one (or it was cleaned up).
   */
  heldUntil?: number;
}

/** What groupState reads for one group of a queue. */
export interface GroupFlowState {
  group: string;
  /** The group's override as stored (`{}` when it has none): each set field replaces the default's. */
  overrides: FlowLimits;
  /** The limits that hold for the group: the defaults with the overrides laid over them. */
  effective: FlowLimits;
  /** True while pauseGroup holds the group. */
  paused: boolean;
  /** The group's jobs in flight now (leases not yet reclaimed). */
  inflight: number;
  /** The end of the latest hold a handler asked for on the group (it may lie in the past). */
  heldUntil?: number;
}

/**
 * Flow control: priorities, fair groups, global limits, snooze and
 * handler-signalled rate limits. A driver implements it beside Driver and
 * Admin and declares it with `families: ['flowControl']`; enqueue then
 * honours NewJobRecord's `priority` and `group`, and reserve applies the
 * order and the limits below. docs/flow-control.md states each rule; the
 * testkit's flow-control cases check them on the fake clock.
 *
 * Order: within a queue, reserve serves groups in turn (round robin over
 * the groups that have runnable work; jobs without a group form one group of
 * their own). A group joins the tail of the turn order when it gets runnable
 * work and leaves it when it has none. Within a group (or a queue without
 * groups), lower priority runs first, FIFO within one priority; released
 * and held-back jobs go to the head of their priority, promoted, retried,
 * snoozed and reclaimed jobs to its tail.
 *
 * Limits: reserve hands out no job whose queue or group would go over its
 * concurrency or rate limit, or whose queue or group is held (holdBack) or
 * its group paused, and its `nextDueAt` then names the moment a held-back
 * job can go again when that is known by time (a rate window or a hold). A
 * job whose lease expires frees its concurrency slot. An outcome that frees
 * a slot of a limited queue or group with work waiting wakes waitForWork.
 */
export interface FlowControl {
  /** Replaces the queue's limits (`{}` clears them). Stored with the queue, so every worker of every process obeys them. */
  setQueueLimits(queue: string, limits: FlowLimits): Promise<void>;

  /**
   * Without `group`: replaces the limits every group of the queue gets by
   * default. With it: replaces that group's override, whose set fields win
   * over the defaults (`{}` removes the override). Stored with the queue.
   */
  setGroupLimits(queue: string, limits: FlowLimits, group?: string): Promise<void>;

  /** Stops the group's jobs being handed out (stored; enqueue and outcomes go on). Idempotent. */
  pauseGroup(queue: string, group: string): Promise<void>;

  /** Lets a paused group's jobs be handed out again and wakes waiting workers. Idempotent. */
  resumeGroup(queue: string, group: string): Promise<void>;

  /** The queue's limits, the group defaults and the queue's hold. */
  flowState(queue: string): Promise<QueueFlowState>;

  /** One group's overrides, effective limits, pause flag, jobs in flight and hold. */
  groupState(queue: string, group: string): Promise<GroupFlowState>;

  /**
   * Ends a run without counting a failure: the job waits until `runAt`
   * (scheduled; ready at its priority's tail when runAt <= now) and its
   * `snoozes` count goes up. Same lease checks as retry; a job with a
   * cancel request finishes as cancelled instead.
   */
  snooze(lease: Lease, runAt: number, now: number): Promise<void>;

  /**
   * A handler said its job was rate limited (RateLimitedError): the job goes
   * back to the head of its priority without counting a failure (like
   * release), and its group, or its queue when the job has no group, is held
   * until `until`: reserve hands out none of its jobs before then, on any
   * worker. A hold never shortens a later one already stored. Same lease
   * checks as release; a job with a cancel request finishes as cancelled.
   */
  holdBack(lease: Lease, until: number, now: number): Promise<void>;
}
