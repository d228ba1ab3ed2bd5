import { type JobControl, type JobRef, validateName } from '@taskharbor/core';
import { HttpError } from '../http/http-error.js';
import { type RouteContext, query } from './context.js';
import { MAX_REASON_LENGTH } from './params.js';

/** The statuses the dashboard purges: finished jobs only. Waiting jobs are cancelled or removed one by one. */
export const PURGE_STATUSES = ['done', 'dlq', 'cancelled'] as const;

/** The largest `limit` one purge or bulk requeue accepts (the driver works through them in bounded steps). */
const MAX_BULK = 1_000_000_000;

function control(ctx: RouteContext): JobControl {
  if (ctx.control === undefined) {
    throw new HttpError(501, 'UNSUPPORTED', 'this driver does not implement job control, so the dashboard cannot act on its jobs');
  }
  return ctx.control;
}

function jobRef(ctx: RouteContext): JobRef {
  const ref = { queue: ctx.params.queue as string, id: ctx.params.id as string };
  validateName('id', ref.id);
  return ref;
}

export async function cancelJob(ctx: RouteContext): Promise<{ status: 'cancelled' | 'cancelling' }> {
  const reason = query(ctx, ['reason']).text('reason', MAX_REASON_LENGTH);
  const options: Parameters<JobControl['cancel']>[1] = { now: Date.now() };
  if (reason !== undefined && reason !== '') options.reason = reason;
  return control(ctx).cancel(jobRef(ctx), options);
}

export async function removeJob(ctx: RouteContext): Promise<{ removed: true }> {
  query(ctx, []);
  await control(ctx).remove(jobRef(ctx));
  return { removed: true };
}

export async function promoteJob(ctx: RouteContext): Promise<{ promoted: true }> {
  query(ctx, []);
  await control(ctx).promote(jobRef(ctx), { now: Date.now() });
  return { promoted: true };
}

/** Requeues one dead-lettered job (the page's "retry"). */
export async function requeueJob(ctx: RouteContext): Promise<{ requeued: true }> {
  const resetAttempts = query(ctx, ['resetAttempts']).boolean('resetAttempts');
  await ctx.driver.requeueDlq(jobRef(ctx), { resetAttempts, now: Date.now() });
  return { requeued: true };
}

export async function pauseQueue(ctx: RouteContext): Promise<{ paused: true }> {
  query(ctx, []);
  await control(ctx).pause(ctx.params.queue as string);
  return { paused: true };
}

export async function resumeQueue(ctx: RouteContext): Promise<{ paused: false }> {
  query(ctx, []);
  await control(ctx).resume(ctx.params.queue as string);
  return { paused: false };
}

/**
 * Purges finished jobs of one status. The page passes the count its
 * confirmation named as `limit`, so a purge never removes more than the
 * operator agreed to, even when jobs arrived meanwhile.
 */
export async function purgeQueue(ctx: RouteContext): Promise<{ removed: number }> {
  const q = query(ctx, ['status', 'type', 'olderThanMs', 'limit']);
  const status = q.status('status', PURGE_STATUSES);
  if (status === undefined) throw new HttpError(400, 'BAD_REQUEST', `status is required: one of ${PURGE_STATUSES.join(', ')}`);
  const options: Parameters<JobControl['purge']>[1] = { status, now: Date.now() };
  const type = q.name('type');
  const olderThanMs = q.duration('olderThanMs');
  const limit = q.integer('limit', 1, MAX_BULK);
  if (type !== undefined) options.type = type;
  if (olderThanMs !== undefined) options.olderThanMs = olderThanMs;
  if (limit !== undefined) options.limit = limit;
  return { removed: await control(ctx).purge(ctx.params.queue as string, options) };
}

export async function requeueDeadLetters(ctx: RouteContext): Promise<{ moved: number }> {
  const q = query(ctx, ['type', 'limit', 'resetAttempts']);
  const options: Parameters<JobControl['requeueDlqMany']>[1] = { resetAttempts: q.boolean('resetAttempts'), now: Date.now() };
  const type = q.name('type');
  const limit = q.integer('limit', 1, MAX_BULK);
  if (type !== undefined) options.type = type;
  if (limit !== undefined) options.limit = limit;
  return { moved: await control(ctx).requeueDlqMany(ctx.params.queue as string, options) };
}
