import {
  type AdvanceScheduleRequest,
  type AdvanceScheduleResult,
  type EnqueueResult,
  FINISHED_STATUSES,
  type Lease,
  type NewJobRecord,
  occurrenceJobId,
  type PutScheduleRequest,
  type PutScheduleResult,
  type ScheduleListPage,
  type ScheduleListRequest,
  ScheduleNotFoundError,
  type ScheduleRecord,
  MAX_SCHEDULE_PAGE,
  triggerJob,
  ValidationError,
} from '@taskharbor/core';
import { compareIds, idBefore } from './id-order.js';
import { decodeListCursor, encodeListCursor } from './list-cursor.js';
import type { StoredJob } from './stored-job.js';

/** What the schedule book needs from the driver's jobs. */
export interface ScheduleJobs {
  /** The job as stored, if its queue holds it. */
  find(queue: string, id: string): StoredJob | undefined;
  /** Stores a validated job as enqueue does (an existing id is left alone) and wakes waiters. */
  enqueue(job: NewJobRecord, now: number): EnqueueResult;
  /** Deletes a job that waits (ready or scheduled); leaves one in flight or finished alone. */
  deleteIfWaiting(queue: string, id: string): void;
  /** The lease checks of extendLease (their typed errors); returns the held job. */
  held(lease: Lease, now: number): StoredJob;
  /** Deletes a held job outright (an occurrence the plan drops). */
  deleteHeld(job: StoredJob): void;
  /** Whether an advance made from `version` at pending tick `from` applies to the record (the compare of the compare-and-set). */
  advanceApplies(record: ScheduleRecord, version: number, from: number): boolean;
}

function copy(record: ScheduleRecord): ScheduleRecord {
  return { ...record, payload: record.payload.slice() };
}

/**
 * The memory driver's schedules: one record per name, each change applied
 * without awaiting, so it is atomic for every caller in the process. The
 * driver validates the input and checks it is open; this applies the rules
 * of the schedules family (docs/driver-contract.md).
 */
export class ScheduleBook {
  private readonly records = new Map<string, ScheduleRecord>();
  private readonly jobs: ScheduleJobs;

  constructor(jobs: ScheduleJobs) {
    this.jobs = jobs;
  }

  put(request: PutScheduleRequest): PutScheduleResult {
    const { schedule: spec, now } = request;
    const old = this.records.get(spec.name);
    if (old !== undefined && old.queue !== spec.queue) {
      throw new ValidationError('queue', `schedule ${spec.name} lives in queue ${old.queue}; remove it before making it in ${spec.queue}`);
    }
    if (old !== undefined && old.revision === spec.revision) return { status: 'unchanged', schedule: copy(old) };
    if (old?.nextRunAt !== undefined) this.jobs.deleteIfWaiting(old.queue, occurrenceJobId(old.name, old.nextRunAt));
    const record: ScheduleRecord = {
      ...spec,
      payload: spec.payload.slice(),
      paused: old?.paused ?? false,
      runs: 0,
      version: (old?.version ?? 0) + 1,
      createdAt: old?.createdAt ?? now,
      updatedAt: now,
    };
    if (request.nextRunAt !== undefined) record.nextRunAt = request.nextRunAt;
    if (old?.lastRunAt !== undefined) record.lastRunAt = old.lastRunAt;
    this.records.set(spec.name, record);
    if (request.occurrence !== undefined) this.jobs.enqueue(request.occurrence, now);
    return { status: old === undefined ? 'created' : 'replaced', schedule: copy(record) };
  }

  remove(name: string): boolean {
    const record = this.records.get(name);
    if (record === undefined) return false;
    this.records.delete(name);
    if (record.nextRunAt !== undefined) this.jobs.deleteIfWaiting(record.queue, occurrenceJobId(name, record.nextRunAt));
    return true;
  }

  get(name: string): ScheduleRecord | undefined {
    const record = this.records.get(name);
    return record === undefined ? undefined : copy(record);
  }

  advance(request: AdvanceScheduleRequest): AdvanceScheduleResult {
    const { name, from, now } = request;
    const held = request.lease === undefined ? undefined : this.jobs.held(request.lease, now);
    const record = this.records.get(name);
    if (record === undefined) return { advanced: false };
    for (const job of request.occurrences) {
      if (job.queue !== record.queue) throw new ValidationError('occurrences', `job ${job.id} is in queue ${job.queue}, the schedule in ${record.queue}`);
    }
    if (!this.jobs.advanceApplies(record, request.version, from)) return { advanced: false };
    const pendingId = occurrenceJobId(name, from);
    if (held !== undefined && (held.id !== pendingId || held.queue !== record.queue)) return { advanced: false };
    if (held === undefined) {
      const pending = this.jobs.find(record.queue, pendingId);
      if (pending !== undefined && !FINISHED_STATUSES.includes(pending.status)) return { advanced: false };
    }
    record.nextRunAt = request.nextRunAt;
    if (request.nextRunAt === undefined) delete record.nextRunAt;
    if (request.lastRunAt !== undefined) record.lastRunAt = request.lastRunAt;
    record.runs = request.runs;
    record.version++;
    record.updatedAt = now;
    if (held !== undefined && request.dropCurrent) this.jobs.deleteHeld(held);
    for (const job of request.occurrences) this.jobs.enqueue(job, now);
    return { advanced: true };
  }

  list(request: ScheduleListRequest = {}): ScheduleListPage {
    const after = request.cursor === undefined ? undefined : decodeListCursor(request.cursor);
    const limit = request.limit ?? MAX_SCHEDULE_PAGE;
    const names = [...this.records.keys()].filter((name) => after === undefined || idBefore(after, name)).sort(compareIds);
    const page = names.slice(0, limit);
    const schedules = page.map((name) => copy(this.records.get(name) as ScheduleRecord));
    return names.length > limit ? { schedules, nextCursor: encodeListCursor(page[page.length - 1] as string) } : { schedules };
  }

  trigger(name: string, now: number): EnqueueResult {
    return this.jobs.enqueue(triggerJob(this.found(name), now), now);
  }

  setPaused(name: string, paused: boolean): void {
    const record = this.found(name);
    if (record.paused === paused) return;
    record.paused = paused;
    record.version++;
  }

  clear(): void {
    this.records.clear();
  }

  private found(name: string): ScheduleRecord {
    const record = this.records.get(name);
    if (record === undefined) throw new ScheduleNotFoundError(name);
    return record;
  }
}
