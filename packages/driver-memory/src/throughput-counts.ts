import { METRICS_BUCKET_MS, METRICS_RETENTION_MS, type MetricsPoint, type MetricsRange, metricsMinute, metricsSeries } from '@taskharbor/core';

/** How a run ended, as the counts see it: a dead-lettering failure adds to `failed` and `dead`. */
export type RunOutcome = 'completed' | 'failed' | 'dead';

type Counts = Omit<MetricsPoint, 'minute'>;

/** How many of a queue's oldest minutes one count looks at for pruning. */
const PRUNE_STEP = 8;

/** One queue's counts, keyed by minute start, with the minutes in ascending order for pruning. */
interface QueueCounts {
  byMinute: Map<number, Counts>;
  minutes: number[];
}

/**
 * The per-minute throughput counts of every queue. Each count deletes up to
 * PRUNE_STEP of its queue's minutes that ended more than
 * METRICS_RETENTION_MS before it, so no call does unbounded work.
 */
export class ThroughputCounts {
  private readonly queues = new Map<string, QueueCounts>();

  add(queue: string, outcome: RunOutcome, now: number): void {
    let counts = this.queues.get(queue);
    if (counts === undefined) {
      counts = { byMinute: new Map(), minutes: [] };
      this.queues.set(queue, counts);
    }
    const minute = metricsMinute(now);
    let point = counts.byMinute.get(minute);
    if (point === undefined) {
      point = { completed: 0, failed: 0, dead: 0 };
      counts.byMinute.set(minute, point);
      insertSorted(counts.minutes, minute);
    }
    if (outcome === 'completed') point.completed++;
    else point.failed++;
    if (outcome === 'dead') point.dead++;
    prune(counts, now);
  }

  /** One point per minute of the range, zeros where nothing was counted. */
  series(queue: string, range: MetricsRange): MetricsPoint[] {
    return metricsSeries(range, this.queues.get(queue)?.byMinute ?? new Map());
  }

  clear(): void {
    this.queues.clear();
  }
}

function prune(counts: QueueCounts, now: number): void {
  const oldestKept = now - METRICS_RETENTION_MS;
  for (let step = 0; step < PRUNE_STEP; step++) {
    const oldest = counts.minutes[0];
    if (oldest === undefined || oldest + METRICS_BUCKET_MS > oldestKept) return;
    counts.minutes.shift();
    counts.byMinute.delete(oldest);
  }
}

/** Inserts a minute into an ascending array; counts mostly come in time order, so the search starts at the end. */
function insertSorted(minutes: number[], minute: number): void {
  let index = minutes.length;
  while (index > 0 && (minutes[index - 1] as number) > minute) index--;
  minutes.splice(index, 0, minute);
}
