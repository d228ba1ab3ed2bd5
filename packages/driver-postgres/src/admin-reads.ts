import {
  type JobRecord,
  JobNotFoundError,
  type JobRef,
  type ListPage,
  type ListRequest,
  type QueueCounts,
  type RequeueOptions,
  ValidationError,
  validateJobRef,
  validateListRequest,
  validateName,
  validateRequeueOptions,
} from '@taskharbor/core';
import type { DriverContext } from './driver-context.js';
import { toRecord } from './job-row.js';
import { decodeListCursor, encodeListCursor } from './list-cursor.js';

/** The Admin operations of the core contract: inspect, list, requeueDlq, counts and queues. PostgresDriver delegates here. */
export class AdminReads {
  constructor(private readonly ctx: DriverContext) {}

  /** The stored job, or undefined when the queue holds no such job. */
  async inspect(ref: JobRef): Promise<JobRecord | undefined> {
    this.ctx.assertOpen('inspect');
    validateJobRef(ref);
    const [row] = await this.ctx.db.read(this.ctx.db.sql.inspect, [ref.queue, ref.id]);
    return row === undefined ? undefined : toRecord(row);
  }

  /** One page of a queue's jobs in ascending id order (byte order), by the primary key. */
  async list(request: ListRequest): Promise<ListPage> {
    this.ctx.assertOpen('list');
    validateListRequest(request);
    const after = request.cursor === undefined ? null : decodeListCursor(request.cursor);
    const rows = await this.ctx.db.read(this.ctx.db.sql.list, [
      request.queue,
      request.status ?? null,
      request.type ?? null,
      after,
      request.limit + 1,
    ]);
    const jobs = rows.slice(0, request.limit).map(toRecord);
    if (rows.length <= request.limit) return { jobs };
    return { jobs, nextCursor: encodeListCursor((jobs[jobs.length - 1] as JobRecord).id) };
  }

  /** Moves a dead-lettered job back to the ready tail, or to scheduled when `runAt` is after `now`. */
  async requeueDlq(ref: JobRef, options: RequeueOptions): Promise<void> {
    this.ctx.assertOpen('requeueDlq');
    validateJobRef(ref);
    validateRequeueOptions(options);
    const [row] = await this.ctx.db.write('requeueDlq', this.ctx.db.sql.requeueDlq, [
      ref.queue,
      ref.id,
      null,
      1,
      options.resetAttempts === true,
      options.runAt ?? null,
      options.now,
    ]);
    if ((row?.moved ?? 0) > 0) {
      this.ctx.waiters.wake(ref.queue);
      return;
    }
    const [state] = await this.ctx.db.read(this.ctx.db.sql.jobState, [ref.queue, ref.id]);
    const status = state?.status ?? undefined;
    if (status === undefined) throw new JobNotFoundError(ref.queue, ref.id);
    throw new ValidationError('status', `job ${ref.id} is ${status}; only a dead-lettered job can be requeued`);
  }

  /** The number of jobs in each status, and whether the queue is paused. */
  async counts(queue: string): Promise<QueueCounts> {
    this.ctx.assertOpen('counts');
    validateName('queue', queue);
    const rows = await this.ctx.db.read(this.ctx.db.sql.counts, [queue]);
    const counts: QueueCounts = { ready: 0, scheduled: 0, inflight: 0, done: 0, dlq: 0, cancelled: 0, paused: false };
    for (const row of rows) {
      counts.paused = row.paused;
      if (row.status !== null) counts[row.status as keyof Omit<QueueCounts, 'paused'>] = row.jobs;
    }
    return counts;
  }

  /** Every queue that holds or held a job (or was paused), sorted by name. */
  async queues(): Promise<string[]> {
    this.ctx.assertOpen('queues');
    const rows = await this.ctx.db.read(this.ctx.db.sql.queues, []);
    return rows.map((row) => row.name);
  }
}
