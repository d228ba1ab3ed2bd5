import type { JobRef, Lease, ResolvedRetention, WorkerEntry } from '@taskharbor/core';
import type { FinishWaiters } from './finish-waiters.js';
import type { FinalStatus } from './lease-checks.js';
import type { LeasedJob } from './memory-store.js';
import type { QueueState } from './queue-state.js';
import type { StoredJob } from './stored-job.js';
import type { RunOutcome, ThroughputCounts } from './throughput-counts.js';
import type { WorkerRegistry } from './worker-registry.js';
import type { WorkWaiters } from './work-waiters.js';

/**
 * What the driver's operation modules (lease writes, admin reads, job
 * control, schedules, flow control, observability) need from the MemoryDriver that owns them:
 * its structures, and its shared steps, each called on the driver so that a
 * subclass's seam (see MemoryStore) applies to them too.
 */
export interface DriverContext {
  /** Every queue that holds or held a job. */
  readonly queueStates: ReadonlyMap<string, QueueState>;
  readonly waiters: WorkWaiters;
  readonly finishWaiters: FinishWaiters;
  readonly retention: ResolvedRetention;
  readonly workerRegistry: WorkerRegistry;
  readonly throughput: ThroughputCounts;
  /** Throws DriverClosedError after close. */
  assertOpen(operation: string): void;
  /** The queue's state, made when a call names a queue that holds nothing yet. */
  stateFor(queue: string): QueueState;
  /** The stored job a ref names, with its queue, or JobNotFoundError. */
  findJob(ref: JobRef): LeasedJob;
  /** The lease checks in the contract's order; undefined means a repeated ack or fail that succeeds without a change. */
  checkLeased(lease: Lease, now: number, writes?: FinalStatus): LeasedJob | undefined;
  /** The lease checks of extendLease, retry and release: they throw or find the job in flight. */
  checkInFlight(lease: Lease, now: number): LeasedJob;
  /** The lease checks, then the job's new expiry; the lease extendLease returns. */
  extendOne(lease: Lease, leaseMs: number, now: number): Lease;
  /** The lease checks, then the job done (or cancelled, with a cancel request), counted and trimmed. */
  ackOne(lease: Lease, now: number, result: Uint8Array | undefined): void;
  /** Adds the run an outcome ended to its queue's minute of `now`. */
  countRun(queue: string, outcome: RunOutcome, now: number): void;
  /** Where a job with this runAt goes at `now`: ready when runnable, else scheduled. */
  statusAt(runAt: number | undefined, now: number): 'ready' | 'scheduled';
  /** Puts a ready job at the ready tail, a scheduled one in the scheduled heap; wakes waiters. */
  place(state: QueueState, job: StoredJob): void;
  /** Takes a job out of flight and wakes waiters when that freed a limited slot. */
  leaveFlight(state: QueueState, job: StoredJob): void;
  /** A job ready again at the head of its priority, waiters woken. */
  putBackFirst(state: QueueState, job: StoredJob): void;
  /** Ends a job with a cancel request as cancelled. */
  finishCancelled(state: QueueState, job: StoredJob, now: number): void;
  /** Whether a worker entry is live at `now`. */
  readonly workerIsLive: (entry: WorkerEntry, now: number) => boolean;
}
