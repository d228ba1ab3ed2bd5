import { describe, expect, it } from 'vitest';
import { fillRandom } from '../src/index.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('fillRandom', () => {
  it('hands_out_different_bytes_on_every_call_across_refills_of_the_pool', () => {
    // 1,000 calls of 16 bytes pass the pool's 4 KiB several times.
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const bytes = new Uint8Array(16);
      fillRandom(bytes);
      seen.add(hex(bytes));
    }
    expect(seen.size).toBe(1000);
  });

  it('fills_odd_sizes_and_targets_larger_than_the_pool', () => {
    const seen = new Set<string>();
    for (const size of [1, 7, 13, 4095, 4096, 4097, 10_000]) {
      const bytes = new Uint8Array(size);
      fillRandom(bytes);
      // A run of zeros this long from a working generator is (all but) impossible.
      if (size >= 13) expect(bytes.some((byte) => byte !== 0)).toBe(true);
      seen.add(hex(bytes.subarray(0, Math.min(size, 16))));
    }
    expect(seen.size).toBe(7);
  });
});
