/** The names of every metric this package registers. */
export const METRIC_NAMES = {
  /** Gauge {queue, status}: jobs in each status, read from admin.counts at scrape time. */
  jobs: 'taskharbor_jobs',
  /** Gauge {queue}: 1 while the queue is paused, 0 otherwise; only for queues whose counts say. */
  queuePaused: 'taskharbor_queue_paused',
  /** Gauge {queue}: live workers serving the queue, from admin.workers() (drivers with observability). */
  workers: 'taskharbor_workers',
  /** Gauge: jobs running now across every live worker (drivers with observability). */
  workerRunningJobs: 'taskharbor_worker_running_jobs',
  /** Gauge: slots (concurrency) across every live worker (drivers with observability). */
  workerSlots: 'taskharbor_worker_slots',
  /** Counter {operation, queue}: admin calls that failed during a scrape. */
  collectErrors: 'taskharbor_collect_errors_total',
  /** Counter {queue, type}: jobs whose handler succeeded and whose ack was written. */
  completed: 'taskharbor_jobs_completed_total',
  /** Counter {queue, type}: failed runs (a retry or a dead-letter follows). */
  failed: 'taskharbor_jobs_failed_total',
  /** Counter {queue, type}: retries written. */
  retried: 'taskharbor_jobs_retried_total',
  /** Counter {queue, type}: jobs dead-lettered. */
  dead: 'taskharbor_jobs_dead_total',
  /** Counter {queue, type}: jobs that finished as cancelled while they ran. */
  cancelled: 'taskharbor_jobs_cancelled_total',
  /** Counter {queue, type}: runs that ended with ctx.snooze (flow control); no failure counted. */
  snoozed: 'taskharbor_jobs_snoozed_total',
  /** Counter {queue, type}: runs that ended with a RateLimitedError on a driver with flow control; no failure counted. */
  rateLimited: 'taskharbor_jobs_rate_limited_total',
  /** Histogram {queue, type, outcome}: how long runs took, in seconds. */
  duration: 'taskharbor_job_duration_seconds',
} as const;
