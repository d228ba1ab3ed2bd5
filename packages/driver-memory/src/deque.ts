/**
 * A double-ended queue on a ring buffer: O(1) push at either end and pop at
 * the front. The ready list needs the front for released jobs and the back
 * for everything else, which an array's shift() would make O(n).
 *
 * Every slot outside the live items holds undefined, so the slot at the head
 * of an empty deque does too.
 */
export class Deque<T> {
  private buffer: (T | undefined)[];
  private head = 0;
  private length = 0;

  /** Any capacity of at least 1; the buffer doubles when it is full. */
  constructor(initialCapacity = 16) {
    this.buffer = new Array<T | undefined>(initialCapacity);
  }

  get size(): number {
    return this.length;
  }

  pushBack(item: T): void {
    this.makeRoom();
    this.buffer[this.slot(this.length)] = item;
    this.length++;
  }

  pushFront(item: T): void {
    this.makeRoom();
    this.head = this.slot(this.buffer.length - 1);
    this.buffer[this.head] = item;
    this.length++;
  }

  popFront(): T | undefined {
    if (this.length === 0) return undefined;
    const item = this.buffer[this.head];
    // Drop the reference so a popped job can be collected once nothing else holds it.
    this.buffer[this.head] = undefined;
    this.head = this.slot(1);
    this.length--;
    return item;
  }

  peekFront(): T | undefined {
    return this.buffer[this.head];
  }

  /** Front to back, without removing anything. */
  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = 0; i < this.length; i++) yield this.buffer[this.slot(i)] as T;
  }

  /** The buffer index of the item `offset` places behind the head. */
  private slot(offset: number): number {
    return (this.head + offset) % this.buffer.length;
  }

  /** Doubles a full buffer, unrolling the ring so the head is at index 0. */
  private makeRoom(): void {
    if (this.length < this.buffer.length) return;
    this.buffer = [...this];
    this.buffer.length *= 2;
    this.head = 0;
  }
}
