/**
 * A double-ended queue on a ring buffer: O(1) push at either end and pop at
 * the front. The ready list needs the front for released jobs and the back
 * for everything else, which an array's shift() would make O(n).
 */
export class Deque<T> {
  private buffer: (T | undefined)[];
  private head = 0;
  private length = 0;

  constructor(initialCapacity = 16) {
    let capacity = 1;
    while (capacity < initialCapacity) capacity *= 2;
    this.buffer = new Array<T | undefined>(capacity);
  }

  get size(): number {
    return this.length;
  }

  pushBack(item: T): void {
    if (this.length === this.buffer.length) this.grow();
    this.buffer[(this.head + this.length) & (this.buffer.length - 1)] = item;
    this.length++;
  }

  pushFront(item: T): void {
    if (this.length === this.buffer.length) this.grow();
    this.head = (this.head - 1) & (this.buffer.length - 1);
    this.buffer[this.head] = item;
    this.length++;
  }

  popFront(): T | undefined {
    if (this.length === 0) return undefined;
    const item = this.buffer[this.head];
    // Drop the reference so a popped job can be collected once nothing else holds it.
    this.buffer[this.head] = undefined;
    this.head = (this.head + 1) & (this.buffer.length - 1);
    this.length--;
    return item;
  }

  peekFront(): T | undefined {
    return this.length === 0 ? undefined : this.buffer[this.head];
  }

  /** Front to back, without removing anything. */
  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = 0; i < this.length; i++) {
      yield this.buffer[(this.head + i) & (this.buffer.length - 1)] as T;
    }
  }

  private grow(): void {
    const next = new Array<T | undefined>(this.buffer.length * 2);
    for (let i = 0; i < this.length; i++) next[i] = this.buffer[(this.head + i) & (this.buffer.length - 1)];
    this.buffer = next;
    this.head = 0;
  }
}
