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
import { resetForRequeue } from './job-control-ops.js';
import { decodeListCursor } from './list-cursor.js';
import { listPage } from './list-page.js';
import { emptyCounts, type QueueState } from './queue-state.js';
import { toRecord } from './stored-job.js';

/** The Admin operations of the core contract in memory: inspect, list, requeueDlq, counts and queues. MemoryDriver delegates here. */
export class MemoryAdmin {
  constructor(private readonly ctx: DriverContext) {}

  /** A copy of the stored job, or undefined when the queue holds no such job. */
  async inspect(ref: JobRef): Promise<JobRecord | undefined> {
    this.ctx.assertOpen('inspect');
    validateJobRef(ref);
    const job = this.ctx.queueStates.get(ref.queue)?.jobs.get(ref.id);
    return job === undefined ? undefined : toRecord(job);
  }

  /** One page of a queue's jobs in ascending id order (see list-page.ts). */
  async list(request: ListRequest): Promise<ListPage> {
    this.ctx.assertOpen('list');
    validateListRequest(request);
    const after = request.cursor === undefined ? undefined : decodeListCursor(request.cursor);
    return listPage(this.ctx.queueStates.get(request.queue), request, after);
  }

  /** Moves a dead-lettered job back to the ready tail, or to scheduled when `runAt` is after `now`. */
  async requeueDlq(ref: JobRef, options: RequeueOptions): Promise<void> {
    this.ctx.assertOpen('requeueDlq');
    validateJobRef(ref);
    validateRequeueOptions(options);
    const found = this.ctx.queueStates.get(ref.queue);
    const job = found?.jobs.get(ref.id);
    if (job === undefined) throw new JobNotFoundError(ref.queue, ref.id);
    // Without the queue there is no job either, so the state is there whenever the job is.
    const state = found as QueueState;
    if (job.status !== 'dlq') {
      throw new ValidationError('status', `job ${job.id} is ${job.status}; only a dead-lettered job can be requeued`);
    }
    state.dlq.delete(job.id);
    resetForRequeue(job, options.resetAttempts === true);
    job.runAt = options.runAt;
    job.status = this.ctx.statusAt(job.runAt, options.now);
    this.ctx.place(state, job);
  }

  /** The number of jobs in each status; all zero for a queue that never held a job. */
  async counts(queue: string): Promise<QueueCounts> {
    this.ctx.assertOpen('counts');
    validateName('queue', queue);
    return this.ctx.queueStates.get(queue)?.counts() ?? emptyCounts();
  }

  /** Every queue that holds or held a job, sorted by name. */
  async queues(): Promise<string[]> {
    this.ctx.assertOpen('queues');
    return [...this.ctx.queueStates.keys()].sort();
  }
}
