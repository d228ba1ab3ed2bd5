/**
 * Job ids made by core's `newJobId(now)` start with `now` in milliseconds,
 * as 10 characters of Crockford's base 32 (most significant first). Since
 * data model 7 a job hash leaves `created_at_nano` out when its id starts
 * with its creation time that way, and readers take the time from the id
 * (32 bytes less per waiting job: docs/redis.md, "Job hash"). Any other id
 * (a caller's own `jobId`, a schedule's occurrence) keeps the field.
 * lua/includes/id-time.lua reads ids the same way.
 */

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const TIME_CHARS = 10;
const NOT_A_DIGIT = 255;
/** Each ASCII character's base-32 value, NOT_A_DIGIT for the others (checked per enqueued job, so a table). */
const DIGIT = new Uint8Array(128).fill(NOT_A_DIGIT);
for (let value = 0; value < ALPHABET.length; value++) DIGIT[ALPHABET.charCodeAt(value)] = value;

/** The milliseconds the id's first 10 characters encode, or undefined when they are not all base-32 digits. */
export function idTimeMs(id: string): number | undefined {
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

/** Whether a job's hash may leave `created_at_nano` out: its id starts with exactly its creation time. */
export function createdAtInId(id: string, createdAt: number): boolean {
  return idTimeMs(id) === createdAt;
}
