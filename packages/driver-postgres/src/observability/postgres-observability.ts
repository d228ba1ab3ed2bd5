import {
  MAX_WORKERS_LISTED,
  type MetricsPoint,
  type MetricsRange,
  metricsMinute,
  metricsSeries,
  type RegisterWorkerOptions,
  validateMetricsRequest,
  validateRegisterWorker,
  validateWorkerId,
  validateWorkersRequest,
  type WorkerEntry,
  type WorkerInfo,
  type WorkersRequest,
} from '@taskharbor/core';
import type { DriverContext } from '../driver-context.js';
import { toMillis } from '../job-row.js';
import { bindObservabilityStatements, type ObservabilityStatements } from './observability-statements.js';

/** The most expired worker entries one registerWorker deletes. */
export const EXPIRED_WORKERS_STEP = 100;

/**
 * The observability family on PostgreSQL: worker entries live in the
 * workers table, throughput counts in the metrics table (migration 004),
 * which ack, retry and fail add to in their own statements. Job meta is a
 * column of jobs, written by enqueue. Each operation validates with core's
 * checks before it writes. PostgresDriver delegates here; docs/postgres.md
 * ("Observability") describes the tables.
 */
export class PostgresObservability {
  private readonly sql: ObservabilityStatements;

  constructor(private readonly ctx: DriverContext) {
    this.sql = bindObservabilityStatements(ctx.db.schema);
  }

  async registerWorker(info: WorkerInfo, options: RegisterWorkerOptions): Promise<void> {
    this.ctx.assertOpen('registerWorker');
    validateRegisterWorker(info, options);
    const { now, ttlMs } = options;
    const rest = {
      host: info.host,
      pid: info.pid,
      queues: [...info.queues],
      concurrency: info.concurrency,
      running: info.running,
      version: info.version,
    };
    await this.ctx.db.write('registerWorker', this.sql.registerWorker, [
      info.id,
      JSON.stringify(rest),
      info.startedAt,
      now,
      now + ttlMs,
      EXPIRED_WORKERS_STEP,
    ]);
  }

  async removeWorker(id: string): Promise<boolean> {
    this.ctx.assertOpen('removeWorker');
    validateWorkerId(id);
    const rows = await this.ctx.db.write('removeWorker', this.sql.removeWorker, [id]);
    return rows.length > 0;
  }

  async workers(request?: WorkersRequest): Promise<WorkerEntry[]> {
    this.ctx.assertOpen('workers');
    validateWorkersRequest(request);
    const now = request?.now ?? Date.now();
    const rows = await this.ctx.db.read(this.sql.workers, [now, MAX_WORKERS_LISTED]);
    return rows.map((row) => ({
      id: row.id,
      host: row.info.host,
      pid: row.info.pid,
      queues: row.info.queues,
      concurrency: row.info.concurrency,
      running: row.info.running,
      startedAt: toMillis(row.started_at),
      version: row.info.version,
      lastSeenAt: toMillis(row.last_seen_at),
      expiresAt: toMillis(row.expires_at),
    }));
  }

  async metrics(queue: string, range: MetricsRange): Promise<MetricsPoint[]> {
    this.ctx.assertOpen('metrics');
    validateMetricsRequest(queue, range);
    const rows = await this.ctx.db.read(this.sql.metrics, [queue, metricsMinute(range.from), range.to]);
    const counts = new Map<number, Omit<MetricsPoint, 'minute'>>();
    for (const row of rows) {
      counts.set(toMillis(row.minute), { completed: Number(row.completed), failed: Number(row.failed), dead: Number(row.dead) });
    }
    return metricsSeries(range, counts);
  }
}
