import type { StoredJob } from './stored-job.js';

interface Node {
  job: StoredJob;
  prev: Node | undefined;
  next: Node | undefined;
}

/**
 * The ready list: hand-out order, popped at the front, pushed at either end
 * (released jobs go first), and, for cancel, remove and purge, a job taken
 * out of the middle in O(1) by its id.
 */
export class ReadyList {
  private head: Node | undefined;
  private tail: Node | undefined;
  private readonly byId = new Map<string, Node>();

  get size(): number {
    return this.byId.size;
  }

  pushBack(job: StoredJob): void {
    const node: Node = { job, prev: this.tail, next: undefined };
    if (this.tail === undefined) this.head = node;
    else this.tail.next = node;
    this.tail = node;
    this.byId.set(job.id, node);
  }

  pushFront(job: StoredJob): void {
    const node: Node = { job, prev: undefined, next: this.head };
    if (this.head === undefined) this.tail = node;
    else this.head.prev = node;
    this.head = node;
    this.byId.set(job.id, node);
  }

  popFront(): StoredJob | undefined {
    const node = this.head;
    if (node === undefined) return undefined;
    this.unlink(node);
    return node.job;
  }

  peekFront(): StoredJob | undefined {
    return this.head?.job;
  }

  /** Takes the job out wherever it is; false when it is not in the list. */
  remove(id: string): boolean {
    const node = this.byId.get(id);
    if (node === undefined) return false;
    this.unlink(node);
    return true;
  }

  /** Empties the list. */
  clear(): void {
    this.head = undefined;
    this.tail = undefined;
    this.byId.clear();
  }

  /** Front to back, without removing anything. Removing the job just visited is safe. */
  *[Symbol.iterator](): IterableIterator<StoredJob> {
    for (let node = this.head; node !== undefined; node = node.next) yield node.job;
  }

  private unlink(node: Node): void {
    if (node.prev === undefined) this.head = node.next;
    else node.prev.next = node.next;
    if (node.next === undefined) this.tail = node.prev;
    else node.next.prev = node.prev;
    this.byId.delete(node.job.id);
  }
}
