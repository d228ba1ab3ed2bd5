import type { EnqueueResult, NewJobRecord, ResolvedRetention } from '@taskharbor/core';
import type { Database } from './database.js';
import type { FinishWaiters } from './finish-waiters.js';
import type { MetricsSweep } from './metrics-sweep.js';
import type { WorkWaiters } from './work-waiters.js';

/** What the driver's operation modules (reserve, lease operations, admin reads, job control, schedules, flow control, observability) need from the driver that owns them. */
export interface DriverContext {
  readonly db: Database;
  readonly retention: ResolvedRetention;
  /** This driver's pending waitForWork calls: a write wakes them directly (other drivers hear the statement's notification). */
  readonly waiters: WorkWaiters;
  /** This driver's pending waitForFinish calls: a write that finishes or deletes a job has them read it again. */
  readonly finishWaiters: FinishWaiters;
  /**
   * Queues this driver has seen using flow control (their flag is never
   * cleared): reserve goes straight to the flow statement, and acks send the
   * variant that wakes workers when a limited slot frees.
   */
  readonly flowQueues: Set<string>;
  /** The throughput counts' retention: every outcome and finish tells it its now. */
  readonly metricsSweep: MetricsSweep;
  /** Throws DriverClosedError after close. */
  assertOpen(operation: string): void;
  /** Stores validated jobs as enqueue does (an existing id or key is left alone) and wakes the queues that got one. */
  store(operation: string, jobs: readonly NewJobRecord[], now: number): Promise<EnqueueResult[]>;
  /** Applies the retention of the job's new finished status and tells this driver's finish waiters of it. */
  jobFinished(queue: string, id: string, status: 'done' | 'dlq' | 'cancelled', now: number): Promise<void>;
}
