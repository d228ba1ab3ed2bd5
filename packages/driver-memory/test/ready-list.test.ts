import { describe, expect, it } from 'vitest';
import { ReadyList } from '../src/ready-list.js';
import type { StoredJob } from '../src/stored-job.js';

function job(id: string): StoredJob {
  return { id, type: 't', queue: 'q', payload: new Uint8Array(), createdAt: 0, maxAttempts: 1, status: 'ready', attempts: 0, reclaims: 0 };
}

const ids = (list: ReadyList) => [...list].map((entry) => entry.id);

describe('ReadyList', () => {
  it('pops in push order, with pushFront first', () => {
    const list = new ReadyList();
    list.pushBack(job('b'));
    list.pushBack(job('c'));
    list.pushFront(job('a'));
    expect(ids(list)).toEqual(['a', 'b', 'c']);
    expect(list.popFront()?.id).toBe('a');
    expect(list.peekFront()?.id).toBe('b');
    expect(list.size).toBe(2);
  });

  it('removes from the head, the middle and the tail', () => {
    const list = new ReadyList();
    for (const id of ['a', 'b', 'c', 'd']) list.pushBack(job(id));
    expect(list.remove('b')).toBe(true);
    expect(list.remove('d')).toBe(true);
    expect(list.remove('a')).toBe(true);
    expect(list.remove('zz')).toBe(false);
    expect(ids(list)).toEqual(['c']);
    list.pushBack(job('e'));
    list.pushFront(job('f'));
    expect(ids(list)).toEqual(['f', 'c', 'e']);
    expect(list.size).toBe(3);
  });

  it('empties completely', () => {
    const list = new ReadyList();
    list.pushBack(job('a'));
    list.remove('a');
    expect(list.popFront()).toBeUndefined();
    expect(list.peekFront()).toBeUndefined();
    list.pushFront(job('b'));
    expect(ids(list)).toEqual(['b']);
  });
});
