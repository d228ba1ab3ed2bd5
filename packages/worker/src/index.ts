export { JobTimeoutError, LeaseLostError, MissingHandlerError, WorkerShutdownError } from './errors.js';
export type { ErrorSource, WorkerEventName, WorkerEvents } from './events.js';
export type { AnyJob, Handler, JobContext, Middleware } from './handler.js';
export type { JobLogger, Logger } from './logger.js';
export { silentLogger } from './logger.js';
export {
  DEFAULT_CONCURRENCY,
  DEFAULT_LEASE_MS,
  DEFAULT_POLL_INTERVAL_MS,
  DEFAULT_REGISTRY_TTL_MS,
  DEFAULT_SCHEDULE_CHECK_MS,
  DEFAULT_SHUTDOWN_GRACE_MS,
  MAX_CONCURRENCY,
} from './options.js';
export type { QueueOrder, WeightedQueue, WorkerOptions } from './options.js';
export { WORKER_VERSION } from './version.js';
export { Worker } from './worker.js';
export type { CloseOptions, WorkerStatus } from './worker.js';
