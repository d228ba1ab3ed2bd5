import { describe, expect, it } from 'vitest';
import { JobIdGenerator, jobIdTime } from '../src/index.js';

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

describe('jobIdTime', () => {
  it('reads_back_the_creation_time_an_id_starts_with', () => {
    const generator = new JobIdGenerator();
    for (const ms of [0, 1_700_000_000_000, 2 ** 50 - 1]) expect(jobIdTime(generator.next(ms))).toBe(ms);
  });

  it('an_id_that_does_not_start_with_ten_base_32_digits_has_no_time', () => {
    for (const id of ['order-7', '01ARZ3NDE', '01arz3ndektsv4rrffq69g5fav', 'ILOU000000', 'é000000000']) expect(jobIdTime(id)).toBeUndefined();
  });
});
