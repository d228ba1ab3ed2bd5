export { MemoryDriver } from './memory-driver.js';
export type { DueJob, MemoryDriverOptions } from './memory-driver.js';
/** The internal shapes the MemoryDriver seams take; for testing the testkit, not a stable API. */
export type { QueueState } from './queue-state.js';
export type { StoredJob } from './stored-job.js';
export type { RunOutcome } from './throughput-counts.js';
