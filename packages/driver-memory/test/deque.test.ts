import { describe, expect, it } from 'vitest';
import { Deque } from '../src/deque.js';

describe('Deque', () => {
  it('pops in FIFO order what was pushed to the back', () => {
    const deque = new Deque<number>();
    for (let i = 0; i < 5; i++) deque.pushBack(i);
    expect([deque.popFront(), deque.popFront(), deque.popFront()]).toEqual([0, 1, 2]);
    expect(deque.size).toBe(2);
  });

  it('pops what was pushed to the front before older items', () => {
    const deque = new Deque<string>();
    deque.pushBack('b');
    deque.pushBack('c');
    deque.pushFront('a');
    expect([...deque]).toEqual(['a', 'b', 'c']);
    expect(deque.peekFront()).toBe('a');
  });

  it('keeps order across growth when the ring has wrapped', () => {
    const deque = new Deque<number>(4);
    const expected: number[] = [];
    // Wrap the head around the buffer's end, then force several doublings.
    deque.pushBack(1);
    deque.pushBack(2);
    deque.popFront();
    deque.popFront();
    for (let i = 0; i < 50; i++) {
      if (i % 3 === 0) {
        deque.pushFront(i);
        expected.unshift(i);
      } else {
        deque.pushBack(i);
        expected.push(i);
      }
    }
    expect(deque.size).toBe(50);
    const popped: number[] = [];
    for (let item = deque.popFront(); item !== undefined; item = deque.popFront()) popped.push(item);
    expect(popped).toEqual(expected);
  });

  it('answers undefined when empty', () => {
    const deque = new Deque<number>();
    expect(deque.popFront()).toBeUndefined();
    expect(deque.peekFront()).toBeUndefined();
    deque.pushBack(1);
    deque.popFront();
    expect(deque.size).toBe(0);
    expect(deque.popFront()).toBeUndefined();
  });
});
