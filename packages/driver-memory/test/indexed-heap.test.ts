import { describe, expect, it } from 'vitest';
import { IndexedHeap } from '../src/indexed-heap.js';

function drain<T>(heap: IndexedHeap<T>): string[] {
  const ids: string[] = [];
  for (let entry = heap.pop(); entry !== undefined; entry = heap.pop()) ids.push(entry.id);
  return ids;
}

/** A small deterministic generator, so a failing case can be replayed. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe('IndexedHeap', () => {
  it('pops by time, then by id on equal times', () => {
    const heap = new IndexedHeap<null>();
    heap.set('c', null, 20);
    heap.set('b', null, 10);
    heap.set('a', null, 20);
    heap.set('d', null, 5);
    expect(drain(heap)).toEqual(['d', 'b', 'a', 'c']);
  });

  it('moves an existing entry instead of adding a second one', () => {
    const heap = new IndexedHeap<string>();
    heap.set('x', 'first', 10);
    heap.set('y', 'y', 20);
    heap.set('x', 'second', 30);
    expect(heap.size).toBe(2);
    expect(heap.peek()).toEqual({ id: 'y', item: 'y', at: 20 });
    heap.set('x', 'third', 1);
    expect(heap.pop()).toEqual({ id: 'x', item: 'third', at: 1 });
    expect(heap.pop()?.id).toBe('y');
    expect(heap.pop()).toBeUndefined();
  });

  it('deletes an arbitrary entry and keeps the rest in order', () => {
    const heap = new IndexedHeap<null>();
    for (const [id, at] of [['a', 5], ['b', 1], ['c', 9], ['d', 3], ['e', 7]] as const) heap.set(id, null, at);
    expect(heap.delete('d')).toBe(true);
    expect(heap.delete('d')).toBe(false);
    expect(heap.has('d')).toBe(false);
    expect(drain(heap)).toEqual(['b', 'a', 'e', 'c']);
  });

  it('pops only entries due by the limit', () => {
    const heap = new IndexedHeap<null>();
    heap.set('late', null, 100);
    heap.set('due', null, 50);
    expect(heap.popIfAtMost(49)).toBeUndefined();
    expect(heap.popIfAtMost(50)?.id).toBe('due');
    expect(heap.popIfAtMost(99)).toBeUndefined();
    expect(heap.size).toBe(1);
  });

  it('matches a sorted reference under random inserts, moves and deletes', () => {
    const random = seeded(42);
    const heap = new IndexedHeap<null>();
    const reference = new Map<string, number>();
    for (let step = 0; step < 5000; step++) {
      const id = `j${Math.floor(random() * 300)}`;
      const roll = random();
      if (roll < 0.6) {
        const at = Math.floor(random() * 1000);
        heap.set(id, null, at);
        reference.set(id, at);
      } else if (roll < 0.85) {
        expect(heap.delete(id)).toBe(reference.delete(id));
      } else {
        const expected = [...reference].sort(([ia, a], [ib, b]) => a - b || (ia < ib ? -1 : 1))[0];
        const popped = heap.pop();
        expect(popped === undefined ? undefined : [popped.id, popped.at]).toEqual(expected);
        if (expected !== undefined) reference.delete(expected[0]);
      }
      expect(heap.size).toBe(reference.size);
    }
    const rest = [...reference].sort(([ia, a], [ib, b]) => a - b || (ia < ib ? -1 : 1)).map(([id]) => id);
    expect(drain(heap)).toEqual(rest);
  });
});
