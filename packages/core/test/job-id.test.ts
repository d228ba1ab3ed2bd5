import { describe, expect, it } from 'vitest';
import { JobIdGenerator } from '../src/index.js';

describe('JobIdGenerator', () => {
  it('ids_are_26_crockford_characters', () => {
    expect(new JobIdGenerator().next(Date.UTC(2030, 0, 1))).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
  });

  it('ids_sort_in_creation_order_within_and_across_milliseconds', () => {
    const generator = new JobIdGenerator();
    const ids: string[] = [];
    for (let ms = 0; ms < 5; ms++) for (let i = 0; i < 500; i++) ids.push(generator.next(1_700_000_000_000 + ms));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('a_later_millisecond_sorts_after', () => {
    const a = new JobIdGenerator().next(1000);
    const b = new JobIdGenerator().next(1001);
    expect(a < b).toBe(true);
  });
});
