import { fillRandom } from './random-pool.js';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const TIME_CHARS = 10;
const RANDOM_CHARS = 16;

/**
 * Makes ULID-shaped ids: 26 characters, the first 10 the creation time, so
 * ids sort by creation time as strings. Within one millisecond the random
 * part counts up, so ids made by one generator always sort in the order
 * they were made.
 */
export class JobIdGenerator {
  private lastTime = -1;
  private timePart = '';
  private readonly random = new Uint8Array(RANDOM_CHARS);

  next(now: number): string {
    if (now > this.lastTime) {
      this.lastTime = now;
      this.timePart = encodeTime(now);
      fillRandom(this.random);
      for (let i = 0; i < RANDOM_CHARS; i++) this.random[i] = (this.random[i] as number) & 31;
      // Leave headroom so the counter below cannot overflow within one millisecond.
      this.random[0] = (this.random[0] as number) & 15;
    } else {
      this.increment();
    }
    let id = this.timePart;
    for (let i = 0; i < RANDOM_CHARS; i++) id += ALPHABET[this.random[i] as number];
    return id;
  }

  private increment(): void {
    for (let i = RANDOM_CHARS - 1; i >= 0; i--) {
      const digit = (this.random[i] as number) + 1;
      if (digit < 32) {
        this.random[i] = digit;
        return;
      }
      this.random[i] = 0;
    }
  }
}

function encodeTime(ms: number): string {
  let out = '';
  let rest = Math.floor(ms);
  for (let i = 0; i < TIME_CHARS; i++) {
    out = ALPHABET[rest % 32] + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

const shared = new JobIdGenerator();

/** A new time-sortable unique id for a job created at `now`. */
export function newJobId(now: number): string {
  return shared.next(now);
}
