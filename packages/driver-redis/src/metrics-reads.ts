import { type MetricsPoint, type MetricsRange, metricsMinutes, metricsSeries, validateMetricsRequest } from '@taskharbor/core';
import type { DriverContext } from './driver-context.js';

/** How many minute hashes one pipeline reads (a day is 1,440). */
const READ_CHUNK = 360;

const FIELDS = ['completed', 'failed', 'dead'] as const;

function count(value: unknown): number {
  return value === null || value === undefined ? 0 : Number(value);
}

/**
 * The throughput part of the Observability family: reads the per-minute
 * hashes the outcome scripts write (includes/metrics.lua), one HMGET per
 * minute of the range, pipelined in chunks. Every key of a queue shares
 * its hash tag, so a chunk goes to one node in a cluster.
 */
export class MetricsReads {
  constructor(private readonly ctx: DriverContext) {}

  async metrics(queue: string, range: MetricsRange): Promise<MetricsPoint[]> {
    this.ctx.assertOpen('metrics');
    validateMetricsRequest(queue, range);
    await this.ctx.prepare();
    const keys = this.ctx.keys.queue(queue);
    const minutes = metricsMinutes(range);
    const counts = new Map<number, Omit<MetricsPoint, 'minute'>>();
    for (let at = 0; at < minutes.length; at += READ_CHUNK) {
      const chunk = minutes.slice(at, at + READ_CHUNK);
      const pipeline = this.ctx.client.pipeline();
      for (const minute of chunk) pipeline.hmget(keys.metrics(minute), ...FIELDS);
      const replies = (await pipeline.exec()) ?? [];
      chunk.forEach((minute, i) => {
        const [error, values] = replies[i] ?? [new Error('no reply'), null];
        if (error) throw error;
        const [completed, failed, dead] = values as (string | null)[];
        if (completed === null && failed === null && dead === null) return;
        counts.set(minute, { completed: count(completed), failed: count(failed), dead: count(dead) });
      });
    }
    return metricsSeries(range, counts);
  }
}
