import { metricsMinute } from '@taskharbor/core';
import type { Database } from './database.js';
import { trimMetrics } from './retention.js';

/**
 * When the throughput counts' retention runs: once per minute of the newest
 * `now` the driver's outcomes (ack, retry, fail) and finishes carried, so a
 * busy worker pays one sweep a minute, not one per ack. The cutoff goes by
 * that newest now, never the database clock.
 */
export class MetricsSweep {
  private newest = Number.NEGATIVE_INFINITY;
  private sweptMinute = Number.NEGATIVE_INFINITY;

  constructor(private readonly db: Database) {}

  /**
   * Notes an outcome's now; the first one of a later minute than the last
   * sweep's sweeps. The driver's first outcome only starts the count, so a
   * short-lived driver's single ack stays one statement.
   */
  async seen(now: number): Promise<void> {
    if (now > this.newest) this.newest = now;
    const minute = metricsMinute(this.newest);
    if (minute <= this.sweptMinute) return;
    const first = this.sweptMinute === Number.NEGATIVE_INFINITY;
    this.sweptMinute = minute;
    if (!first) await trimMetrics(this.db, this.newest);
  }
}
