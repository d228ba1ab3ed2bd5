/**
 * Observability: what a job carries for tracing (meta), which workers are
 * alive, and how many jobs finished per minute. A driver implements it beside
 * Driver and Admin and declares it with `families: ['observability']`;
 * enqueue then stores NewJobRecord's `meta` and hands it back unchanged on
 * every read and reserve, and the outcome operations count what they finish.
 * docs/observability.md states each rule; the testkit's observability cases
 * check them on the fake clock.
 */

/** What a worker says about itself when it registers (and on every refresh). */
export interface WorkerInfo {
  /** Unique per Worker instance (the worker makes one at start). */
  id: string;
  /** The host name the worker runs on. */
  host: string;
  /** Its process id. */
  pid: number;
  /** The queues it serves, in its order. */
  queues: string[];
  /** Its slots: the most jobs it runs at once. */
  concurrency: number;
  /** How many jobs it runs now. */
  running: number;
  /** When it started (epoch ms). */
  startedAt: number;
  /** The @taskharbor/worker version it runs. */
  version: string;
}

/** A live worker as admin.workers() lists it. */
export interface WorkerEntry extends WorkerInfo {
  /** When it last registered or refreshed (the `now` of that call). */
  lastSeenAt: number;
  /** When the entry stops counting as live unless refreshed: lastSeenAt + ttlMs. */
  expiresAt: number;
}

export interface RegisterWorkerOptions {
  /** The caller's clock (epoch ms), stored as lastSeenAt. */
  now: number;
  /** How long the entry counts as live without a refresh: an integer from MIN_WORKER_TTL_MS to MAX_WORKER_TTL_MS. */
  ttlMs: number;
}

export interface WorkersRequest {
  /** Entries with expiresAt at or before it are left out (and may be deleted). Default: the driver's clock. */
  now?: number;
}

/** A time range of throughput counts: whole minutes from `from` (rounded down to its minute) up to, not including, `to`. */
export interface MetricsRange {
  from: number;
  /** After `from`, and at most METRICS_RETENTION_MS after it. */
  to: number;
}

/** The outcomes of one queue in one minute. */
export interface MetricsPoint {
  /** The minute's start (epoch ms, a multiple of METRICS_BUCKET_MS). */
  minute: number;
  /** Runs that ended with ack (the job is done). */
  completed: number;
  /** Runs that ended with a recorded failure (retry or fail), dead-lettered ones included. */
  failed: number;
  /** Of those, the runs whose failure dead-lettered the job. */
  dead: number;
}

/**
 * The observability family.
 *
 * Meta: enqueue stores NewJobRecord.meta (validated by validateMeta; an
 * empty map is stored as nothing and reads back without meta) and every
 * read (reserve, inspect, list) returns it unchanged, as a copy; retry,
 * release, snooze, holdBack, reclaim and requeue keep it. A second enqueue
 * of a known id or idempotency key leaves the first job's meta alone.
 *
 * Throughput: ack, retry and fail (and their batch forms) add the run they
 * end to the minute of their `now`, in the same write (no extra round trip).
 * An ack that finishes a cancel-requested job as cancelled, a release, a
 * snooze, a holdBack, a reclaim and a repeated ack or fail count nothing; a
 * retry or fail that finishes a cancel-requested job counts as failed, not
 * dead. Counts older than METRICS_RETENTION_MS may be deleted at any time;
 * counts within it are kept.
 */
export interface Observability {
  /**
   * Adds or replaces the worker's entry, live until `now + ttlMs`. The worker
   * calls it at start and then at a third of ttlMs. Throws ValidationError
   * for bad info or options, with nothing written. It may delete expired
   * entries, a bounded number per call.
   */
  registerWorker(info: WorkerInfo, options: RegisterWorkerOptions): Promise<void>;

  /** Deletes the worker's entry (a worker that closes). False when there was none. */
  removeWorker(id: string): Promise<boolean>;

  /** The live workers (expiresAt after now), most recently started first (then by id), at most MAX_WORKERS_LISTED. */
  workers(request?: WorkersRequest): Promise<WorkerEntry[]>;

  /**
   * The queue's counts per minute, one point per minute of the range (zeros
   * included), oldest first. Throws ValidationError for a bad queue name or
   * range (not integers, to not after from, or longer than METRICS_RETENTION_MS).
   */
  metrics(queue: string, range: MetricsRange): Promise<MetricsPoint[]>;
}
