import {
  effectiveGroupLimits,
  type FlowLimits,
  type GroupFlowState,
  normalizeFlowLimits,
  type QueueFlowState,
} from '@taskharbor/core';
import { GroupOrder, type GroupKey, groupKeyOf } from './group-order.js';
import { IndexedHeap } from './indexed-heap.js';
import { RateWindow } from './rate-window.js';
import type { StoredJob } from './stored-job.js';

/** What one group holds beyond its ready jobs; dropped once it holds nothing. */
interface GroupFlow {
  overrides?: FlowLimits;
  paused: boolean;
  heldUntil?: number;
  inflight: number;
  starts?: RateWindow;
}

function laterOf(stored: number | undefined, until: number): number {
  return stored === undefined || until > stored ? until : stored;
}

/**
 * The flow-control state of one queue: its limits and hold, the group
 * defaults, each group's override, pause, hold, jobs in flight and starts,
 * and the ready jobs in turn and priority order. A queue gets one the first
 * time it meets a priority, a group or a flow-control call; until then it
 * keeps its plain ready list and pays nothing for any of this.
 *
 * Groups that cannot go now are parked in the order (see GroupOrder) and
 * unparked by what frees them: a slot (leftFlight), a resume, a limit
 * change, or time (a hold's end or a start leaving the rate window, kept in
 * `timedParks`), so a reserve looks at each blocked group at most once.
 */
export class QueueFlow {
  readonly order = new GroupOrder();
  limits: FlowLimits = {};
  groupDefaults: FlowLimits = {};
  /** The latest hold on the whole queue (holdBack of a job without a group). */
  heldUntil: number | undefined;
  private readonly starts = new RateWindow();
  private readonly groups = new Map<GroupKey, GroupFlow>();
  /** Parked groups that time alone unparks, by the moment it does. */
  private readonly timedParks = new IndexedHeap<GroupKey>();

  /** Takes over a plain queue's ready jobs (in their order) and its jobs in flight, all without a group. */
  constructor(ready: Iterable<StoredJob>, inflight: Iterable<StoredJob>) {
    for (const job of ready) this.order.pushBack(job);
    for (const job of inflight) this.groupFor(groupKeyOf(job)).inflight++;
  }

  setQueueLimits(limits: FlowLimits): void {
    this.limits = normalizeFlowLimits(limits);
  }

  setGroupLimits(limits: FlowLimits, key: GroupKey | undefined): void {
    const normalized = normalizeFlowLimits(limits);
    if (key === undefined) this.groupDefaults = normalized;
    else {
      const group = this.groupFor(key);
      group.overrides = Object.keys(normalized).length === 0 ? undefined : normalized;
      this.dropIfIdle(key, group);
    }
    // Any group may now go, or be blocked: each is judged again on its next turn.
    this.order.unparkAll();
  }

  pauseGroup(key: GroupKey): void {
    this.groupFor(key).paused = true;
  }

  /** Returns whether the group has ready jobs, so waiting workers should wake. */
  resumeGroup(key: GroupKey): boolean {
    const group = this.groups.get(key);
    if (group === undefined || !group.paused) return false;
    group.paused = false;
    this.dropIfIdle(key, group);
    this.order.unpark(key);
    return this.order.hasWork(key);
  }

  /** Holds the job's group, or the whole queue for a job without a group, until `until`; never shortens a later hold. */
  hold(job: StoredJob, until: number): void {
    if (job.group === undefined) {
      this.heldUntil = laterOf(this.heldUntil, until);
      return;
    }
    const group = this.groupFor(job.group);
    group.heldUntil = laterOf(group.heldUntil, until);
  }

  /** Unparks the groups whose hold or rate window ended by `now`; reserve calls it first. */
  wakeTimed(now: number): void {
    for (let entry = this.timedParks.popIfAtMost(now); entry; entry = this.timedParks.popIfAtMost(now)) {
      this.order.unpark(entry.item);
    }
  }

  /** Whether the queue as a whole can hand out no job now (its hold, concurrency or rate). */
  queueBlocked(now: number, inflight: number): boolean {
    return this.queueBlockedUntil(now, inflight) !== undefined;
  }

  /** Takes the next job by turn and priority whose group may go now, or undefined. */
  take(now: number): StoredJob | undefined {
    return this.order.take((key) => this.groupBlocked(key, now));
  }

  /** Counts a hand-out: a slot of its group and a start in each rate window that applies. */
  started(job: StoredJob, now: number): void {
    if (this.limits.rate !== undefined) this.starts.record(now);
    const key = groupKeyOf(job);
    const group = this.groupFor(key);
    group.inflight++;
    if (this.effective(key, group).rate !== undefined) {
      group.starts ??= new RateWindow();
      group.starts.record(now);
    }
  }

  /**
   * A job left flight (an outcome or a reclaim): frees its group's slot.
   * Returns whether a concurrency limit may have held back ready work that
   * can now go, so waiting workers should wake.
   */
  leftFlight(job: StoredJob): boolean {
    const key = groupKeyOf(job);
    const group = this.groups.get(key);
    if (group !== undefined) {
      group.inflight--;
      this.dropIfIdle(key, group);
    }
    this.order.unpark(key);
    const limited = this.limits.concurrency !== undefined || this.effective(key, group).concurrency !== undefined;
    return limited && this.order.size > 0;
  }

  /**
   * The moment time alone lets held-back ready work go: the queue's hold or
   * rate window when they block the queue, else the earliest timed park of a
   * group that still has work. Paused groups and full slots add nothing.
   */
  nextDueAt(now: number, inflight: number): number | undefined {
    if (this.order.size === 0) return undefined;
    const queueUntil = this.queueBlockedUntil(now, inflight);
    if (queueUntil !== undefined) return queueUntil === Number.POSITIVE_INFINITY ? undefined : queueUntil;
    for (let top = this.timedParks.peek(); top !== undefined; top = this.timedParks.peek()) {
      if (this.order.hasWork(top.item)) return top.at;
      this.timedParks.delete(top.id);
    }
    return undefined;
  }

  flowState(): QueueFlowState {
    const state: QueueFlowState = { limits: normalizeFlowLimits(this.limits), groupDefaults: normalizeFlowLimits(this.groupDefaults) };
    if (this.heldUntil !== undefined) state.heldUntil = this.heldUntil;
    return state;
  }

  groupState(key: GroupKey): GroupFlowState {
    const group = this.groups.get(key);
    const state: GroupFlowState = {
      group: key,
      overrides: normalizeFlowLimits(group?.overrides ?? {}),
      effective: normalizeFlowLimits(this.effective(key, group)),
      paused: group?.paused ?? false,
      inflight: group?.inflight ?? 0,
    };
    if (group?.heldUntil !== undefined) state.heldUntil = group.heldUntil;
    return state;
  }

  /**
   * Undefined when the queue may hand out a job now; else the moment time
   * frees it, or +Infinity when only an outcome can (its concurrency).
   */
  private queueBlockedUntil(now: number, inflight: number): number | undefined {
    if (this.heldUntil !== undefined && this.heldUntil > now) return this.heldUntil;
    if (this.limits.concurrency !== undefined && inflight >= this.limits.concurrency) return Number.POSITIVE_INFINITY;
    const rate = this.limits.rate;
    return rate === undefined ? undefined : this.starts.blockedUntil(now, rate.max, rate.perMs);
  }

  /** Whether the group cannot go now; a block that time ends is remembered in timedParks. */
  private groupBlocked(key: GroupKey, now: number): boolean {
    const group = this.groups.get(key);
    if (group?.paused) return true;
    if (group?.heldUntil !== undefined && group.heldUntil > now) {
      this.timedParks.set(key, key, group.heldUntil);
      return true;
    }
    const limits = this.effective(key, group);
    if (limits.concurrency !== undefined && (group?.inflight ?? 0) >= limits.concurrency) return true;
    if (limits.rate === undefined || group?.starts === undefined) return false;
    const until = group.starts.blockedUntil(now, limits.rate.max, limits.rate.perMs);
    if (until === undefined) return false;
    this.timedParks.set(key, key, until);
    return true;
  }

  private effective(key: GroupKey, group = this.groups.get(key)): FlowLimits {
    return group?.overrides === undefined ? this.groupDefaults : effectiveGroupLimits(this.groupDefaults, group.overrides);
  }

  private groupFor(key: GroupKey): GroupFlow {
    let group = this.groups.get(key);
    if (group === undefined) {
      group = { paused: false, inflight: 0 };
      this.groups.set(key, group);
    }
    return group;
  }

  /** Drops a group's entry once it holds nothing a later call could need (its starts matter only while they are in flight's window). */
  private dropIfIdle(key: GroupKey, group: GroupFlow): void {
    const idle =
      group.inflight === 0 &&
      !group.paused &&
      group.overrides === undefined &&
      group.heldUntil === undefined &&
      (group.starts === undefined || group.starts.size === 0);
    if (idle) this.groups.delete(key);
  }
}
