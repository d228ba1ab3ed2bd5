import { hasSchedules, type ScheduleRecord, type Schedules, validateScheduleName } from '@taskharbor/core';
import { HttpError } from '../http/http-error.js';
import { type RouteContext, query } from './context.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './params.js';
import type { ScheduleView, SchedulesView } from './wire.js';

function schedules(ctx: RouteContext): Schedules {
  if (!hasSchedules(ctx.driver)) throw new HttpError(501, 'UNSUPPORTED', 'this driver does not implement schedules');
  return ctx.driver;
}

function scheduleName(ctx: RouteContext): string {
  const name = ctx.params.name as string;
  validateScheduleName('name', name);
  return name;
}

function scheduleView(record: ScheduleRecord): ScheduleView {
  const view: ScheduleView = {
    name: record.name,
    queue: record.queue,
    type: record.type,
    timezone: record.timezone,
    paused: record.paused,
    runs: record.runs,
    catchUp: record.catchUp,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
  for (const key of ['cron', 'everyMs', 'startAt', 'endAt', 'limit', 'nextRunAt', 'lastRunAt'] as const) {
    if (record[key] !== undefined) (view as unknown as Record<string, unknown>)[key] = record[key];
  }
  return view;
}

/** One page of schedules in name order, with where each cadence stands. */
export async function listSchedules(ctx: RouteContext): Promise<SchedulesView> {
  const q = query(ctx, ['limit', 'cursor']);
  const request: Parameters<Schedules['schedules']>[0] = { limit: q.integer('limit', 1, MAX_PAGE_SIZE) ?? DEFAULT_PAGE_SIZE };
  const cursor = q.cursor('cursor');
  if (cursor !== undefined) request.cursor = cursor;
  const page = await schedules(ctx).schedules(request);
  const view: SchedulesView = { schedules: page.schedules.map(scheduleView) };
  if (page.nextCursor !== undefined) view.nextCursor = page.nextCursor;
  return view;
}

export async function pauseSchedule(ctx: RouteContext): Promise<{ paused: true }> {
  query(ctx, []);
  await schedules(ctx).pauseSchedule(scheduleName(ctx));
  return { paused: true };
}

export async function resumeSchedule(ctx: RouteContext): Promise<{ paused: false }> {
  query(ctx, []);
  await schedules(ctx).resumeSchedule(scheduleName(ctx));
  return { paused: false };
}

/** Enqueues one occurrence now; the cadence is untouched. */
export async function triggerSchedule(ctx: RouteContext): Promise<{ id: string }> {
  query(ctx, []);
  const { id } = await schedules(ctx).triggerSchedule(scheduleName(ctx), { now: Date.now() });
  return { id };
}
