import { idBefore } from './id-order.js';

/** One entry of an IndexedHeap, as peek and pop show it. */
export interface HeapEntry<T> {
  readonly id: string;
  readonly item: T;
  /** The time the entry is ordered by. */
  readonly at: number;
}

interface Slot<T> {
  id: string;
  item: T;
  at: number;
  /** Where the slot sits in the array, kept current so delete and update find it in O(1). */
  index: number;
}

/** The order of every heap, and of the jobs reserve moves to the ready tail: by time, ties by id. */
export function orderedBefore(a: { at: number; id: string }, b: { at: number; id: string }): boolean {
  return a.at < b.at || (a.at === b.at && idBefore(a.id, b.id));
}

/**
 * A binary min-heap ordered by (at, id) in which every entry can be found
 * by its id, so one entry can be moved or removed in O(log n). A lease
 * extension replaces the job's entry (remove, then insert) instead of
 * pushing a second one, so no stale entries pile up under frequent
 * heartbeats.
 */
export class IndexedHeap<T> {
  private readonly slots: Slot<T>[] = [];
  private readonly byId = new Map<string, Slot<T>>();

  get size(): number {
    return this.slots.length;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** Inserts the entry, or moves it to the new time when the id is already present. */
  set(id: string, item: T, at: number): void {
    this.delete(id);
    const slot: Slot<T> = { id, item, at, index: this.slots.length };
    this.slots.push(slot);
    this.byId.set(id, slot);
    this.siftUp(slot.index);
  }

  /** Removes the entry with this id; false when there was none. */
  delete(id: string): boolean {
    const found = this.has(id);
    if (found) this.removeAt((this.byId.get(id) as Slot<T>).index);
    return found;
  }

  /** Every id, in (at, id) order; O(n log n), for operator calls such as purge. */
  ids(): string[] {
    return [...this.slots].sort((a, b) => (orderedBefore(a, b) ? -1 : 1)).map((slot) => slot.id);
  }

  /** Every item, in no particular order. */
  items(): T[] {
    return this.slots.map((slot) => slot.item);
  }

  peek(): HeapEntry<T> | undefined {
    const top = this.slots[0];
    return top === undefined ? undefined : { id: top.id, item: top.item, at: top.at };
  }

  pop(): HeapEntry<T> | undefined {
    return this.popIfAtMost(Number.POSITIVE_INFINITY);
  }

  /** Removes and returns the top entry when its time is at most `limit`. */
  popIfAtMost(limit: number): HeapEntry<T> | undefined {
    const top = this.peek();
    if (top === undefined || top.at > limit) return undefined;
    this.removeAt(0);
    return top;
  }

  private removeAt(index: number): void {
    const removed = this.slots[index] as Slot<T>;
    const last = this.slots.pop() as Slot<T>;
    this.byId.delete(removed.id);
    if (last === removed) return;
    this.slots[index] = last;
    last.index = index;
    // The slot moved in from the end may belong above or below its new place.
    this.siftUp(index);
    this.siftDown(last.index);
  }

  private siftUp(index: number): void {
    const slot = this.slots[index] as Slot<T>;
    let at = index;
    while (at > 0) {
      const parentIndex = (at - 1) >> 1;
      const parent = this.slots[parentIndex] as Slot<T>;
      if (!orderedBefore(slot, parent)) break;
      this.slots[at] = parent;
      parent.index = at;
      at = parentIndex;
    }
    this.slots[at] = slot;
    slot.index = at;
  }

  private siftDown(index: number): void {
    const slot = this.slots[index] as Slot<T>;
    const count = this.slots.length;
    let at = index;
    for (;;) {
      const left = 2 * at + 1;
      if (left >= count) break;
      const right = left + 1;
      let child = left;
      if (right < count && orderedBefore(this.slots[right] as Slot<T>, this.slots[left] as Slot<T>)) child = right;
      const childSlot = this.slots[child] as Slot<T>;
      if (!orderedBefore(childSlot, slot)) break;
      this.slots[at] = childSlot;
      childSlot.index = at;
      at = child;
    }
    this.slots[at] = slot;
    slot.index = at;
  }
}
