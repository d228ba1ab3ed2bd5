import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Clock, Observability, WorkerInfo } from '@taskharbor/core';
import { toError } from './errors.js';
import type { Logger } from './logger.js';
import { startTimer } from './timers.js';
import { WORKER_VERSION } from './version.js';

export interface WorkerRegistryDeps {
  driver: Observability;
  clock: Clock;
  logger: Logger;
  /** How long the entry stays live without a refresh; the worker refreshes it at a third of that. */
  ttlMs: number;
  queues: readonly string[];
  concurrency: number;
  /** How many handlers run now, read at every refresh. */
  running(): number;
}

/** An id unique per Worker instance: the host, the process and a random part (two workers in one process differ). */
export function makeWorkerId(host: string): string {
  return `${host.slice(0, 200)}:${process.pid}:${randomBytes(6).toString('hex')}`;
}

/**
 * Keeps the worker's entry in the driver's list of live workers
 * (admin.workers()): registered at start, refreshed every ttlMs / 3 with the
 * current running count, removed at close. An entry that is not refreshed
 * (the process died) stops counting as live after ttlMs. A failing call is
 * logged as a warning and tried again at the next tick: the list is for
 * people looking, and must never stop the worker.
 */
export class WorkerRegistry {
  private readonly deps: WorkerRegistryDeps;
  private readonly info: Omit<WorkerInfo, 'running' | 'startedAt'>;
  private startedAt = 0;
  private cancelTimer: (() => void) | undefined;
  private pending: Promise<void> | undefined;
  private stopped = false;

  constructor(deps: WorkerRegistryDeps) {
    this.deps = deps;
    const host = hostname();
    this.info = {
      id: makeWorkerId(host),
      host,
      pid: process.pid,
      queues: [...deps.queues],
      concurrency: deps.concurrency,
      version: WORKER_VERSION,
    };
  }

  get id(): string {
    return this.info.id;
  }

  /** Registers now and arms the refresh; resolves once the first call has answered (it never rejects). */
  start(): Promise<void> {
    this.startedAt = this.deps.clock.now();
    return this.tick();
  }

  /** Stops refreshing and removes the entry (a failure is logged; the entry then expires on its own). */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.cancelTimer?.();
    await this.pending;
    try {
      await this.deps.driver.removeWorker(this.info.id);
    } catch (error) {
      this.deps.logger.warn({ workerId: this.info.id, error: toError(error).message }, 'could not remove the worker from the live list');
    }
  }

  private tick(): Promise<void> {
    const run = this.register().finally(() => {
      this.pending = undefined;
      if (!this.stopped) this.cancelTimer = startTimer(this.deps.clock, Math.floor(this.deps.ttlMs / 3), () => void this.tick());
    });
    this.pending = run;
    return run;
  }

  private async register(): Promise<void> {
    const { driver, clock, ttlMs, running, logger } = this.deps;
    try {
      await driver.registerWorker({ ...this.info, queues: [...this.info.queues], running: running(), startedAt: this.startedAt }, { now: clock.now(), ttlMs });
    } catch (error) {
      logger.warn({ workerId: this.info.id, error: toError(error).message }, 'could not register the worker in the live list; trying again at the next refresh');
    }
  }
}
