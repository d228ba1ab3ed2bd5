/** The largest encoded payload any driver accepts: 4 MiB, inclusive. */
export const MAX_PAYLOAD_BYTES = 4 * 1024 * 1024;

/** Longest job type, queue name, job id or idempotency key, in UTF-16 code units. */
export const MAX_NAME_LENGTH = 512;

/** Longest lastError or dead-letter reason a driver stores; longer text is cut. */
export const MAX_ERROR_LENGTH = 64 * 1024;

/** The latest time the contract accepts (year 2286): beyond it nanosecond strings and doubles disagree. */
export const MAX_TIME_MS = 9_999_999_999_999;

/** Dead-letter a job after it was reclaimed more than this many times (see the worker). */
export const DEFAULT_MAX_RECLAIMS = 5;

/** Runs allowed when neither the job nor the worker says otherwise. */
export const DEFAULT_MAX_ATTEMPTS = 25;

/** The queue used when an enqueue names none. */
export const DEFAULT_QUEUE = 'default';
