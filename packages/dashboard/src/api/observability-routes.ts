import { hasObservability, METRICS_BUCKET_MS, metricsMinute, type Observability } from '@taskharbor/core';
import { HttpError } from '../http/http-error.js';
import { type RouteContext, query } from './context.js';
import type { MetricsView, WorkersView } from './wire.js';

/** The chart's default span: the last hour. */
export const DEFAULT_METRICS_MINUTES = 60;
/** The longest span: 24 hours, as long as drivers keep the counts. */
export const MAX_METRICS_MINUTES = 1440;

function observability(ctx: RouteContext): Observability {
  if (!hasObservability(ctx.driver)) throw new HttpError(501, 'UNSUPPORTED', 'this driver does not implement observability');
  return ctx.driver;
}

/** The live workers, most recently started first. */
export async function listWorkers(ctx: RouteContext): Promise<WorkersView> {
  query(ctx, []);
  const now = Date.now();
  const workers = await observability(ctx).workers({ now });
  return {
    now,
    workers: workers.map((worker) => ({
      id: worker.id,
      host: worker.host,
      pid: worker.pid,
      queues: [...worker.queues],
      concurrency: worker.concurrency,
      running: worker.running,
      startedAt: worker.startedAt,
      version: worker.version,
      lastSeenAt: worker.lastSeenAt,
      expiresAt: worker.expiresAt,
    })),
  };
}

/**
 * The queue's completed, failed and dead counts per minute over the last
 * `minutes` (default 60, at most 1440), the current minute last: one point
 * per minute, zeros included.
 */
export async function queueMetrics(ctx: RouteContext): Promise<MetricsView> {
  const q = query(ctx, ['minutes']);
  const minutes = q.integer('minutes', 1, MAX_METRICS_MINUTES) ?? DEFAULT_METRICS_MINUTES;
  const store = observability(ctx);
  const queue = ctx.params.queue as string;
  const to = metricsMinute(Date.now()) + METRICS_BUCKET_MS;
  const from = to - minutes * METRICS_BUCKET_MS;
  const points = await store.metrics(queue, { from, to });
  const totals = { completed: 0, failed: 0, dead: 0 };
  for (const point of points) {
    totals.completed += point.completed;
    totals.failed += point.failed;
    totals.dead += point.dead;
  }
  return {
    queue,
    from,
    to,
    points: points.map(({ minute, completed, failed, dead }) => ({ minute, completed, failed, dead })),
    totals,
  };
}
