import type { EnqueueResult, FlowLimits, Lease, NewJobRecord } from '@taskharbor/core';
import { MemoryDriver } from '@taskharbor/driver-memory';

/*
 * Drivers that each break one rule of the flowControl family
 * (docs/flow-control.md), for parts/flow-control.ts.
 */

function withoutPriority(job: NewJobRecord): NewJobRecord {
  if (typeof job !== 'object' || job === null || job.priority === undefined) return job;
  const { priority: _dropped, ...rest } = job;
  return rest;
}

/** Breaks "lower priority runs first": every job is stored at the default priority. */
export class IgnoresPriority extends MemoryDriver {
  override async enqueue(job: NewJobRecord, now: number): Promise<EnqueueResult> {
    return super.enqueue(withoutPriority(job), now);
  }

  override async enqueueMany(jobs: readonly NewJobRecord[], now: number): Promise<EnqueueResult[]> {
    return super.enqueueMany(Array.isArray(jobs) ? jobs.map(withoutPriority) : jobs, now);
  }
}

/** Breaks "group concurrency caps each group": the concurrency of group limits is dropped. */
export class IgnoresGroupConcurrency extends MemoryDriver {
  override async setGroupLimits(queue: string, limits: FlowLimits, group?: string): Promise<void> {
    const rest = typeof limits === 'object' && limits !== null ? { ...limits, concurrency: undefined } : limits;
    return super.setGroupLimits(queue, rest, group);
  }
}

/** Breaks "a handler's rate limit holds its queue or group back": holdBack gives the job back and holds nothing. */
export class HoldsNothingBack extends MemoryDriver {
  override async holdBack(lease: Lease, until: number, now: number): Promise<void> {
    await super.holdBack(lease, now, now);
    void until;
  }
}
