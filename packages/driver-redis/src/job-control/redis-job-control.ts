import {
  type CancelOptions,
  type CancelResult,
  type CancelSubscription,
  type JobRecord,
  type JobRef,
  type Lease,
  type PromoteOptions,
  type PurgeOptions,
  type QueueCounts,
  type RequeueManyOptions,
  ValidationError,
  validateCancelOptions,
  validateJobRef,
  validateLease,
  validateNow,
  validateProgressJson,
  validatePurgeOptions,
  validateQueueName,
  validateRequeueManyOptions,
} from '@taskharbor/core';
import type { DriverContext } from '../driver-context.js';
import { runCancel } from '../lua/cancel.js';
import { acceptedOrThrow } from '../lua/job-state-reply.js';
import { throwIfRefused } from '../lua/lease-reply.js';
import { runPromote } from '../lua/promote.js';
import { runPurge } from '../lua/purge.js';
import { runRemove } from '../lua/remove.js';
import { runRequeueMany } from '../lua/requeue-many.js';
import { runResume } from '../lua/resume.js';
import { runSetProgress } from '../lua/set-progress.js';
import { FinishWaiters } from './finish-waiters.js';
import { PushChannel } from './push-channel.js';

/**
 * The JobControl family on Redis: each operation validates, then runs its
 * Lua script (bulk operations in bounded steps). RedisDriver delegates here.
 * docs/redis.md ("Job control") describes the scripts and channels.
 */
export class RedisJobControl {
  private readonly push: PushChannel;
  private readonly finishes: FinishWaiters;

  constructor(private readonly ctx: DriverContext) {
    this.push = new PushChannel(() => ctx.openConnection());
    this.finishes = new FinishWaiters(ctx.client, ctx.keys, this.push);
  }

  async cancel(ref: JobRef, options: CancelOptions): Promise<CancelResult> {
    await this.begin('cancel', () => {
      validateJobRef(ref);
      validateCancelOptions(options);
    });
    const reply = await this.ctx.write(`cancel of job ${ref.id}`, () =>
      runCancel(this.ctx.client, this.ctx.keys.queue(ref.queue), ref.id, options, this.ctx.retention),
      ref.queue,
    );
    const code = acceptedOrThrow(reply, ref, 'cancel', 'only a job that has not finished can be cancelled');
    return { status: code === 'CANCELLING' ? 'cancelling' : 'cancelled' };
  }

  async remove(ref: JobRef): Promise<void> {
    await this.begin('remove', () => validateJobRef(ref));
    const reply = await this.ctx.write(`remove of job ${ref.id}`, () => runRemove(this.ctx.client, this.ctx.keys.queue(ref.queue), ref.id), ref.queue);
    acceptedOrThrow(reply, ref, 'remove', 'cancel it first, then remove it once its run has ended');
  }

  async promote(ref: JobRef, options: PromoteOptions): Promise<void> {
    await this.begin('promote', () => {
      validateJobRef(ref);
      if (typeof options !== 'object' || options === null) throw new ValidationError('options', 'expected an object');
      validateNow(options.now);
    });
    const reply = await this.ctx.write(`promote of job ${ref.id}`, () => runPromote(this.ctx.client, this.ctx.keys.queue(ref.queue), ref.id), ref.queue);
    acceptedOrThrow(reply, ref, 'promote', 'only a scheduled job can be promoted');
  }

  /** Sets the queue's paused flag (one SET) and records the queue in the queues set. */
  async pause(queue: string): Promise<void> {
    await this.begin('pause', () => validateQueueName(queue));
    const keys = this.ctx.keys.queue(queue);
    await this.ctx.write(`pause of queue ${queue}`, () =>
      Promise.all([this.ctx.client.set(keys.paused, '1'), this.ctx.client.sadd(this.ctx.keys.queues, queue)]),
      queue,
    );
  }

  async resume(queue: string): Promise<void> {
    await this.begin('resume', () => validateQueueName(queue));
    await this.ctx.write(`resume of queue ${queue}`, () => runResume(this.ctx.client, this.ctx.keys.queue(queue)), queue);
  }

  async purge(queue: string, options: PurgeOptions): Promise<number> {
    await this.begin('purge', () => {
      validateQueueName(queue);
      validatePurgeOptions(options);
    });
    return runPurge(this.ctx.client, this.ctx.keys.queue(queue), options, (run) => this.ctx.write(`purge of queue ${queue}`, run, queue));
  }

  async requeueDlqMany(queue: string, options: RequeueManyOptions): Promise<number> {
    await this.begin('requeueDlqMany', () => {
      validateQueueName(queue);
      validateRequeueManyOptions(options);
    });
    return runRequeueMany(this.ctx.client, this.ctx.keys.queue(queue), options, (run) =>
      this.ctx.write(`requeueDlqMany of queue ${queue}`, run, queue),
    );
  }

  async setProgress(lease: Lease, progressJson: string, now: number): Promise<void> {
    await this.begin('setProgress', () => {
      validateLease(lease);
      validateProgressJson(progressJson);
      validateNow(now);
    });
    const reply = await this.ctx.write(`setProgress of job ${lease.jobId}`, () =>
      runSetProgress(this.ctx.client, this.ctx.keys.queue(lease.queue), lease, progressJson, this.ctx.scriptNow(now)),
      lease.queue,
    );
    throwIfRefused(reply, lease, now);
  }

  async waitForFinish(ref: JobRef, signal: AbortSignal): Promise<JobRecord> {
    await this.begin('waitForFinish', () => {
      validateJobRef(ref);
      if (!(signal instanceof AbortSignal)) throw new ValidationError('signal', 'expected an AbortSignal');
    });
    return this.finishes.wait(ref, signal);
  }

  async subscribeCancels(subscription: CancelSubscription, onCancel: (ref: JobRef) => void): Promise<void> {
    await this.begin('subscribeCancels', () => {
      if (typeof subscription !== 'object' || subscription === null) throw new ValidationError('subscription', 'expected an object');
      if (!Array.isArray(subscription.queues)) throw new ValidationError('queues', 'expected an array of queue names');
      for (const queue of subscription.queues) validateQueueName(queue);
      if (!(subscription.signal instanceof AbortSignal)) throw new ValidationError('signal', 'expected an AbortSignal');
      if (typeof onCancel !== 'function') throw new ValidationError('onCancel', 'expected a function');
    });
    const { queues, signal } = subscription;
    if (signal.aborted) return;
    const stops = await Promise.all(
      [...new Set(queues)].map((queue) => this.push.listen(this.ctx.keys.queue(queue).cancelsChannel, (id) => onCancel({ queue, id }))),
    );
    const stopAll = () => {
      for (const stop of stops) stop();
    };
    if (signal.aborted) stopAll();
    else signal.addEventListener('abort', stopAll, { once: true });
  }

  /** The number of jobs in each status, and the paused flag, in one round trip. */
  async counts(queue: string): Promise<QueueCounts> {
    await this.begin('counts', () => validateQueueName(queue));
    const { client } = this.ctx;
    const keys = this.ctx.keys.queue(queue);
    const [listed, scheduled, inflight, done, dlq, cancelled, paused, grouped] = await Promise.all([
      client.llen(keys.ready),
      client.zcard(keys.scheduled),
      client.zcard(keys.inflight),
      client.zcard(keys.done),
      client.zcard(keys.dlq),
      client.zcard(keys.cancelled),
      client.exists(keys.paused),
      // Ready jobs with a priority or group on the flow path (includes/flow.lua), absent on a plain queue.
      client.hget(keys.flow, 'zready'),
    ]);
    const ready = listed + Number(grouped ?? 0);
    return { ready, scheduled, inflight, done, dlq, cancelled, paused: paused === 1 };
  }

  /** Ends the waits in progress (DriverClosedError) and closes the subscriber connection. */
  close(): void {
    this.finishes.close();
    this.push.close();
  }

  /** The steps every operation starts with: closed check, input validation, data-model check. */
  private async begin(operation: string, validate: () => void): Promise<void> {
    this.ctx.assertOpen(operation);
    validate();
    await this.ctx.prepare();
  }
}
