import { PriorityLanes } from './priority-lanes.js';
import type { StoredJob } from './stored-job.js';

/** The key of a job's group in the flow structures; the jobs without a group share '' (no group can be named so). */
export type GroupKey = string;

export const NO_GROUP: GroupKey = '';

export function groupKeyOf(job: StoredJob): GroupKey {
  return job.group ?? NO_GROUP;
}

/**
 * The ready jobs of a queue under flow control: each group's jobs in
 * priority order, and the turn order of the groups that have ready work.
 * Reserve takes from the group at the head and moves it to the tail. A
 * Map's insertion order is the turn order: delete and set move a group to
 * the tail in O(1), and the head is the first key.
 *
 * A group that cannot go now (paused, held, at a limit) is parked: it keeps
 * its jobs but leaves the turn order, so reserve does not look at it again
 * until the flow state unparks it, when it joins the tail.
 */
export class GroupOrder {
  private readonly groups = new Map<GroupKey, PriorityLanes>();
  private readonly turns = new Map<GroupKey, PriorityLanes>();
  private readonly parked = new Set<GroupKey>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Whether the group has ready jobs. */
  hasWork(key: GroupKey): boolean {
    return this.groups.has(key);
  }

  /** Whether any group that has ready jobs is in the turn order. */
  get hasTurns(): boolean {
    return this.turns.size > 0;
  }

  pushBack(job: StoredJob): void {
    this.lanesFor(groupKeyOf(job)).pushBack(job);
    this.count++;
  }

  pushFront(job: StoredJob): void {
    this.lanesFor(groupKeyOf(job)).pushFront(job);
    this.count++;
  }

  remove(job: StoredJob): boolean {
    const key = groupKeyOf(job);
    const lanes = this.groups.get(key);
    if (lanes === undefined || !lanes.remove(job)) return false;
    this.count--;
    if (lanes.size === 0) this.forgetGroup(key);
    return true;
  }

  /**
   * Takes the next job by turn: the head group's first job, unless `blocked`
   * says the group cannot go now, in which case the group is parked and the
   * next one is asked. Undefined when no group in turn can go.
   */
  take(blocked: (key: GroupKey) => boolean): StoredJob | undefined {
    for (const [key, lanes] of this.turns) {
      if (blocked(key)) {
        this.park(key);
        continue;
      }
      const job = lanes.popFront() as StoredJob;
      this.count--;
      this.turns.delete(key);
      if (lanes.size === 0) this.forgetGroup(key);
      else this.turns.set(key, lanes);
      return job;
    }
    return undefined;
  }

  /** Takes the group out of the turn order until unpark. */
  park(key: GroupKey): void {
    this.turns.delete(key);
    this.parked.add(key);
  }

  /** Puts a parked group back at the tail of the turn order. */
  unpark(key: GroupKey): void {
    if (!this.parked.delete(key)) return;
    const lanes = this.groups.get(key);
    if (lanes !== undefined) this.turns.set(key, lanes);
  }

  /** Puts every parked group back (limits changed, so each is judged again). */
  unparkAll(): void {
    for (const key of [...this.parked]) this.unpark(key);
  }

  /** Every ready job, group by group; removing the job just visited is safe. */
  *[Symbol.iterator](): IterableIterator<StoredJob> {
    for (const lanes of [...this.groups.values()]) yield* [...lanes];
  }

  private lanesFor(key: GroupKey): PriorityLanes {
    let lanes = this.groups.get(key);
    if (lanes === undefined) {
      lanes = new PriorityLanes();
      this.groups.set(key, lanes);
      // A group that gets work joins the tail, unless it is parked: then it waits to be unparked.
      if (!this.parked.has(key)) this.turns.set(key, lanes);
    }
    return lanes;
  }

  private forgetGroup(key: GroupKey): void {
    this.groups.delete(key);
    this.turns.delete(key);
    // A parked group without work has nothing to wait for; new work lets it join the tail and be judged again.
    this.parked.delete(key);
  }
}
