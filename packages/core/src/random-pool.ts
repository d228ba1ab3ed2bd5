import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 4096;
const pool = new Uint8Array(POOL_BYTES);
let used = POOL_BYTES;

/**
 * Fills `target` with cryptographically random bytes taken from a buffer
 * that is refilled 4 KiB at a time; no byte is handed out twice. One call
 * into the generator costs 75–90 µs when the process has been idle for a
 * while (docs/benchmarks.md, "Where an idle pickup spends its time"), and
 * an idle pickup made two (the job's id, the reserve's lease tokens); from
 * the pool it is a copy of a few bytes.
 */
export function fillRandom(target: Uint8Array): void {
  if (target.length > POOL_BYTES) {
    randomFillSync(target);
    return;
  }
  if (used + target.length > POOL_BYTES) {
    randomFillSync(pool);
    used = 0;
  }
  target.set(pool.subarray(used, used + target.length));
  used += target.length;
}
