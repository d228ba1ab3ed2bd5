import {
  type MetricsPoint,
  type MetricsRange,
  type RegisterWorkerOptions,
  validateMetricsRequest,
  validateRegisterWorker,
  validateWorkerId,
  validateWorkersRequest,
  type WorkerEntry,
  type WorkerInfo,
  type WorkersRequest,
} from '@taskharbor/core';
import type { DriverContext } from './driver-context.js';

/**
 * The Observability family in memory: the live-worker entries
 * (worker-registry.ts) and the per-minute run counts the outcomes add to
 * (throughput-counts.ts). Job meta is a field of the stored job. MemoryDriver
 * delegates here.
 */
export class MemoryObservability {
  constructor(private readonly ctx: DriverContext) {}

  /** Adds or replaces the worker's entry, live until now + ttlMs; looks at a few of the oldest entries to prune expired ones. */
  async registerWorker(info: WorkerInfo, options: RegisterWorkerOptions): Promise<void> {
    this.ctx.assertOpen('registerWorker');
    validateRegisterWorker(info, options);
    this.ctx.workerRegistry.register(info, options.now, options.ttlMs, this.ctx.workerIsLive);
  }

  /** Deletes the worker's entry; false when there was none. */
  async removeWorker(id: string): Promise<boolean> {
    this.ctx.assertOpen('removeWorker');
    validateWorkerId(id);
    return this.ctx.workerRegistry.remove(id);
  }

  /** The entries live at `now` (default: this process's clock), most recently started first. */
  async workers(request?: WorkersRequest): Promise<WorkerEntry[]> {
    this.ctx.assertOpen('workers');
    validateWorkersRequest(request);
    return this.ctx.workerRegistry.live(request?.now ?? Date.now(), this.ctx.workerIsLive);
  }

  /** The queue's counts per minute of the range, zeros included. */
  async metrics(queue: string, range: MetricsRange): Promise<MetricsPoint[]> {
    this.ctx.assertOpen('metrics');
    validateMetricsRequest(queue, range);
    return this.ctx.throughput.series(queue, range);
  }
}
