import type { MetricsPoint, WorkerEntry } from '@taskharbor/core';
import type { Colours } from './colour.js';
import { formatTable } from './table.js';
import { isoTime, relativeTime } from './time.js';

/** The rows of `workers`: one per live worker, as admin.workers() orders them (most recently started first). */
export function workersTable(workers: readonly WorkerEntry[], now: number, colours: Colours): string[] {
  const rows = workers.map((worker) => [
    worker.id,
    worker.host,
    String(worker.pid),
    worker.queues.join(','),
    worker.running === 0 ? { text: `0/${worker.concurrency}`, style: colours.dim } : `${worker.running}/${worker.concurrency}`,
    relativeTime(worker.startedAt, now),
    relativeTime(worker.lastSeenAt, now),
    worker.version,
  ]);
  return formatTable(
    [
      { header: 'ID' },
      { header: 'HOST', maxWidth: 40 },
      { header: 'PID', align: 'right' },
      { header: 'QUEUES', maxWidth: 60 },
      { header: 'RUNNING', align: 'right' },
      { header: 'STARTED' },
      { header: 'LAST SEEN' },
      { header: 'VERSION' },
    ],
    rows,
    { headerStyle: colours.bold },
  );
}

export interface MetricsTotals {
  completed: number;
  failed: number;
  dead: number;
}

export function metricsTotals(points: readonly MetricsPoint[]): MetricsTotals {
  const totals = { completed: 0, failed: 0, dead: 0 };
  for (const point of points) {
    totals.completed += point.completed;
    totals.failed += point.failed;
    totals.dead += point.dead;
  }
  return totals;
}

/** The rows of `metrics`: one per minute, oldest first, then a TOTAL row. */
export function metricsTable(points: readonly MetricsPoint[], colours: Colours): string[] {
  const count = (n: number, style?: (text: string) => string) => (n === 0 ? { text: '0', style: colours.dim } : style ? { text: String(n), style } : String(n));
  const rows = points.map((point) => [isoTime(point.minute), count(point.completed), count(point.failed, colours.red), count(point.dead, colours.red)]);
  const totals = metricsTotals(points);
  rows.push([
    { text: 'TOTAL', style: colours.bold },
    String(totals.completed),
    String(totals.failed),
    String(totals.dead),
  ]);
  return formatTable(
    [{ header: 'MINUTE (UTC)' }, { header: 'COMPLETED', align: 'right' }, { header: 'FAILED', align: 'right' }, { header: 'DEAD', align: 'right' }],
    rows,
    { headerStyle: colours.bold },
  );
}
