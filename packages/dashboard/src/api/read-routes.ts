import { hasFlowControl, type JobStatus, validateName } from '@taskharbor/core';
import { issueCsrfToken } from '../http/csrf.js';
import { HttpError } from '../http/http-error.js';
import { type RouteContext, query } from './context.js';
import { familiesOf } from './families.js';
import { jobDetail, jobSummary } from './job-view.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './params.js';
import type { JobDetailView, JobPageView, QueueFlowView, QueuesView, QueueView, SessionView } from './wire.js';

/** Most queues the overview reads counts for in one request. */
const MAX_OVERVIEW_QUEUES = 500;

export function session(ctx: RouteContext): SessionView {
  query(ctx, []);
  const view: SessionView = {
    canAct: ctx.access.canAct,
    csrfToken: issueCsrfToken(ctx.req, ctx.res, ctx.cookiePath),
    families: familiesOf(ctx.driver),
    refreshMs: ctx.options.refreshMs,
  };
  if (ctx.access.readOnlyReason !== undefined) view.readOnlyReason = ctx.access.readOnlyReason;
  return view;
}

/** The queue's flow state, read once with its counts (one flowState call per queue). */
async function flowView(ctx: RouteContext, name: string): Promise<QueueFlowView | undefined> {
  if (!hasFlowControl(ctx.driver)) return undefined;
  const { limits, groupDefaults, heldUntil } = await ctx.driver.flowState(name);
  const view: QueueFlowView = { limits, groupDefaults };
  if (heldUntil !== undefined) view.heldUntil = heldUntil;
  return view;
}

async function queueView(ctx: RouteContext, name: string): Promise<QueueView> {
  const [{ paused, ...counts }, flow] = await Promise.all([ctx.driver.counts(name), flowView(ctx, name)]);
  const view: QueueView = { name, counts };
  if (paused !== undefined) view.paused = paused;
  if (flow !== undefined) view.flow = flow;
  return view;
}

export async function queues(ctx: RouteContext): Promise<QueuesView> {
  query(ctx, []);
  const names = (await ctx.driver.queues()).slice(0, MAX_OVERVIEW_QUEUES);
  return { queues: await Promise.all(names.map((name) => queueView(ctx, name))) };
}

export async function queue(ctx: RouteContext): Promise<QueueView> {
  query(ctx, []);
  return queueView(ctx, ctx.params.queue as string);
}

export async function jobs(ctx: RouteContext): Promise<JobPageView> {
  const q = query(ctx, ['status', 'type', 'limit', 'cursor']);
  const request: Parameters<typeof ctx.driver.list>[0] = {
    queue: ctx.params.queue as string,
    limit: q.integer('limit', 1, MAX_PAGE_SIZE) ?? DEFAULT_PAGE_SIZE,
  };
  const status = q.status<JobStatus>('status');
  const type = q.name('type');
  const cursor = q.cursor('cursor');
  if (status !== undefined) request.status = status;
  if (type !== undefined) request.type = type;
  if (cursor !== undefined) request.cursor = cursor;
  const page = await ctx.driver.list(request);
  const view: JobPageView = { jobs: page.jobs.map(jobSummary) };
  if (page.nextCursor !== undefined) view.nextCursor = page.nextCursor;
  return view;
}

export async function job(ctx: RouteContext): Promise<JobDetailView> {
  query(ctx, []);
  const ref = { queue: ctx.params.queue as string, id: ctx.params.id as string };
  validateName('id', ref.id);
  const record = await ctx.driver.inspect(ref);
  if (record === undefined) throw new HttpError(404, 'JOB_NOT_FOUND', `no job ${ref.id} in queue ${ref.queue}; it was never enqueued there or retention removed it`);
  return jobDetail(record, ctx.access.canAct);
}
