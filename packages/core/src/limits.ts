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

/** The largest encoded handler result a driver stores: the payload limit. A larger one fails the run. */
export const MAX_RESULT_BYTES = MAX_PAYLOAD_BYTES;

/** The largest progress value (as JSON text, in UTF-8 bytes) ctx.progress stores. */
export const MAX_PROGRESS_BYTES = 64 * 1024;

/** How many failures a job's error history keeps (the newest). */
export const ERROR_HISTORY_SIZE = 10;

/** The most jobs a driver touches in one step of purge or requeueDlqMany (one script or one transaction). */
export const BULK_STEP_SIZE = 1000;

/** The shortest everyMs a schedule accepts: each tick costs a reserve and a schedule write, so finer cadences are refused. */
export const MIN_SCHEDULE_INTERVAL_MS = 100;

/** Longest schedule name, in UTF-16 code units: short enough that an occurrence's job id (`<name>@<tick>`) stays a valid job id. */
export const MAX_SCHEDULE_NAME_LENGTH = 256;

/** The most missed ticks catch-up policy 'all' enqueues after an outage (the latest ones). */
export const CATCH_UP_ALL_LIMIT = 100;

/** The largest page admin.schedules() hands out. */
export const MAX_SCHEDULE_PAGE = 1000;

/** The lowest job priority (runs first). Priorities are integers; the default is 0. */
export const MIN_PRIORITY = -1_000_000;

/** The highest job priority (runs last). */
export const MAX_PRIORITY = 1_000_000;

/** Longest group name, in UTF-16 code units (the characters allowed are those of queue names). */
export const MAX_GROUP_NAME_LENGTH = 256;

/** The largest concurrency limit a queue or group accepts. */
export const MAX_CONCURRENCY_LIMIT = 1_000_000;

/** The largest `max` of a rate limit: drivers keep one entry per start in the window. */
export const MAX_RATE_MAX = 100_000;

/** The longest rate-limit window: one day. */
export const MAX_RATE_WINDOW_MS = 24 * 60 * 60 * 1000;

/** The most entries a job's meta map holds. */
export const MAX_META_ENTRIES = 32;

/** Longest meta key, in UTF-16 code units (keys use letters, digits and `-_.:`). */
export const MAX_META_KEY_LENGTH = 128;

/** The most a job's meta takes as JSON text, in UTF-8 bytes (a W3C traceparent is 55, a tracestate at most 512). */
export const MAX_META_BYTES = 4 * 1024;

/** How long a driver keeps per-minute throughput counts (admin.metrics): 24 hours. */
export const METRICS_RETENTION_MS = 24 * 60 * 60 * 1000;

/** The width of one throughput bucket: one minute. */
export const METRICS_BUCKET_MS = 60 * 1000;

/** The shortest time a worker entry outlives its last refresh (a worker refreshes at a third of it). */
export const MIN_WORKER_TTL_MS = 1_000;

/** The longest time a worker entry outlives its last refresh. */
export const MAX_WORKER_TTL_MS = 24 * 60 * 60 * 1000;

/** The most workers admin.workers() lists (the oldest-seen beyond it are left out). */
export const MAX_WORKERS_LISTED = 10_000;
