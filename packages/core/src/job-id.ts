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

const NOT_A_DIGIT = 255;
/** Each ASCII character's base-32 value, NOT_A_DIGIT for the others. */
const DIGIT = new Uint8Array(128).fill(NOT_A_DIGIT);
for (let value = 0; value < ALPHABET.length; value++) DIGIT[ALPHABET.charCodeAt(value)] = value;

/**
 * The milliseconds an id's first 10 characters encode, as the ids of
 * JobIdGenerator and newJobId start with their creation time; undefined when
 * they are not all base-32 digits. Any id that starts so decodes, also one a
 * caller chose, so a reader that takes a job's creation time from its id
 * must know the id was made at that time.
 */
export function jobIdTime(id: string): number | undefined {
  if (id.length < TIME_CHARS) return undefined;
  let ms = 0;
  for (let i = 0; i < TIME_CHARS; i++) {
    const code = id.charCodeAt(i);
    const digit = code < 128 ? (DIGIT[code] as number) : NOT_A_DIGIT;
    if (digit === NOT_A_DIGIT) return undefined;
    ms = ms * 32 + digit;
  }
  return ms;
}

const shared = new JobIdGenerator();

/** A new time-sortable unique id for a job created at `now`. */
export function newJobId(now: number): string {
  return shared.next(now);
}
