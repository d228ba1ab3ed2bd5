import {
  type JobRecord,
  JobNotFoundError,
  type JobRef,
  type ListPage,
  type ListRequest,
  type RequeueOptions,
  ValidationError,
  validateJobRef,
  validateListRequest,
  validateRequeueOptions,
} from '@taskharbor/core';
import type { DriverContext } from './driver-context.js';
import { hashFromObject, parseJobHash } from './job-hash.js';
import { decodeListCursor, encodeListCursor } from './list-cursor.js';
import { runList } from './lua/list.js';
import { runRequeue } from './lua/requeue.js';

/** The Admin operations of the core contract on Redis: inspect, list, requeueDlq and queues. RedisDriver delegates here. */
export class RedisAdmin {
  constructor(private readonly ctx: DriverContext) {}

  /** The stored job, or undefined when the queue holds no such job. */
  async inspect(ref: JobRef): Promise<JobRecord | undefined> {
    this.ctx.assertOpen('inspect');
    validateJobRef(ref);
    await this.ctx.prepare();
    const hash = await this.ctx.client.hgetallBuffer(this.ctx.keys.queue(ref.queue).job(ref.id));
    if (Object.keys(hash).length === 0) return undefined;
    return parseJobHash(ref.id, ref.queue, hashFromObject(hash));
  }

  /**
   * One page of a queue's jobs in ascending id order, read in one script from
   * the queue's id index (a sorted set of ids); a status filter is applied
   * to each job's hash while walking it.
   */
  async list(request: ListRequest): Promise<ListPage> {
    this.ctx.assertOpen('list');
    validateListRequest(request);
    const after = request.cursor === undefined ? undefined : decodeListCursor(request.cursor);
    await this.ctx.prepare();
    const { jobs, more } = await runList(this.ctx.client, this.ctx.keys.queue(request.queue), {
      status: request.status,
      type: request.type,
      after,
      limit: request.limit,
    });
    const last = jobs[jobs.length - 1];
    return more && last !== undefined ? { jobs, nextCursor: encodeListCursor(last.id) } : { jobs };
  }

  /** Moves a dead-lettered job back to the ready tail, or to scheduled when `runAt` is after `now`. */
  async requeueDlq(ref: JobRef, options: RequeueOptions): Promise<void> {
    this.ctx.assertOpen('requeueDlq');
    validateJobRef(ref);
    validateRequeueOptions(options);
    await this.ctx.prepare();
    const [code, status] = await this.ctx.write(
      `requeueDlq of job ${ref.id}`,
      () => runRequeue(this.ctx.client, this.ctx.keys.queue(ref.queue), ref.id, options),
      ref.queue,
    );
    if (code === 'OK') return;
    if (code === 'NOT_FOUND') throw new JobNotFoundError(ref.queue, ref.id);
    if (code === 'NOT_DLQ') {
      throw new ValidationError('status', `job ${ref.id} is ${status}; only a dead-lettered job can be requeued`);
    }
    throw new Error(`requeueDlq of job ${ref.id}: unexpected reply ${String(code)}`);
  }

  /** Every queue that holds or held a job under this prefix, sorted by name. */
  async queues(): Promise<string[]> {
    this.ctx.assertOpen('queues');
    await this.ctx.prepare();
    return (await this.ctx.client.smembers(this.ctx.keys.queues)).sort();
  }
}
