import { ReadyList } from './ready-list.js';
import type { StoredJob } from './stored-job.js';

/**
 * The ready jobs of one group (or of the jobs without a group) in hand-out
 * order: lowest priority first, FIFO within a priority, released jobs at the
 * head of theirs. One ready list per priority in use, and the priorities in
 * use kept sorted (a group rarely uses more than a few, so a sorted array
 * with binary-search insertion beats a heap here).
 */
export class PriorityLanes {
  private readonly lanes = new Map<number, ReadyList>();
  private readonly priorities: number[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  pushBack(job: StoredJob): void {
    this.laneFor(job.priority ?? 0).pushBack(job);
    this.count++;
  }

  pushFront(job: StoredJob): void {
    this.laneFor(job.priority ?? 0).pushFront(job);
    this.count++;
  }

  popFront(): StoredJob | undefined {
    const priority = this.priorities[0];
    if (priority === undefined) return undefined;
    const lane = this.lanes.get(priority) as ReadyList;
    const job = lane.popFront() as StoredJob;
    this.count--;
    if (lane.size === 0) this.dropLane(priority, 0);
    return job;
  }

  /** Takes the job out wherever it is; false when it is not here. */
  remove(job: StoredJob): boolean {
    const priority = job.priority ?? 0;
    const lane = this.lanes.get(priority);
    if (lane === undefined || !lane.remove(job.id)) return false;
    this.count--;
    if (lane.size === 0) this.dropLane(priority, this.indexOf(priority));
    return true;
  }

  *[Symbol.iterator](): IterableIterator<StoredJob> {
    for (const priority of [...this.priorities]) yield* this.lanes.get(priority) ?? [];
  }

  private laneFor(priority: number): ReadyList {
    let lane = this.lanes.get(priority);
    if (lane === undefined) {
      lane = new ReadyList();
      this.lanes.set(priority, lane);
      this.priorities.splice(this.insertionPoint(priority), 0, priority);
    }
    return lane;
  }

  private dropLane(priority: number, index: number): void {
    this.lanes.delete(priority);
    this.priorities.splice(index, 1);
  }

  private indexOf(priority: number): number {
    return this.insertionPoint(priority);
  }

  /** The first index whose priority is not below `priority`. */
  private insertionPoint(priority: number): number {
    let low = 0;
    let high = this.priorities.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((this.priorities[middle] as number) < priority) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
