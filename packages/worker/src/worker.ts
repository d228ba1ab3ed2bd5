import {
  type Driver,
  hasFlowControl,
  hasJobControl,
  hasObservability,
  hasSchedules,
  type JobMap,
  validateName,
} from '@taskharbor/core';
import { AckBatcher, ackCallsOut } from './ack-batch.js';
import { CancelWatch } from './cancel-watch.js';
import type { TypedEmitter } from './emitter.js';
import { toError } from './errors.js';
import type { WorkerEvents } from './events.js';
import type { Handler, Middleware } from './handler.js';
import { Heartbeat } from './heartbeat.js';
import { JobLoop } from './job-loop.js';
import { type ResolvedOptions, resolveOptions, type WorkerOptions } from './options.js';
import { createPlanner, type QueuePlanner } from './queue-order.js';
import type { RunDeps } from './run-state.js';
import { ScheduleKeeper } from './schedule-keeper.js';
import { Slots } from './slots.js';
import { closeOnSignals } from './signals.js';
import { MAX_TIMER_MS, startTimer } from './timers.js';
import { Wake } from './wake.js';
import { errorReporter, type ReportError, workerEmitter } from './worker-events.js';
import { WorkerRegistry } from './worker-registry.js';

export interface CloseOptions {
  /** Overrides the worker's shutdownGraceMs for this close. 0 aborts and releases running jobs at once. */
  graceMs?: number;
}

/** new: not started. started: taking jobs. closing: finishing what runs. closed: done. */
export type WorkerStatus = 'new' | 'started' | 'closing' | 'closed';

/**
 * Runs handlers for the jobs of one or more queues. See docs/worker.md.
 *
 * @example
 * type Jobs = { 'email.send': { to: string } };
 * const worker = new Worker<Jobs>(driver, { queues: ['default'], concurrency: 10 });
 * worker.register('email.send', async (job, ctx) => sendMail(job.payload.to, { signal: ctx.signal }));
 * worker.on('dead', ({ job, reason }) => alert(job.id, reason));
 * await worker.start();
 * // later
 * await worker.close();
 */
export class Worker<Jobs extends JobMap = JobMap> {
  readonly driver: Driver;
  private readonly options: ResolvedOptions;
  private readonly emitter: TypedEmitter<WorkerEvents>;
  private readonly reportError: ReportError;
  private readonly handlers = new Map<string, Handler>();
  private readonly middlewares: Middleware[] = [];
  private readonly slots: Slots;
  private readonly planner: QueuePlanner;
  private readonly heartbeat: Heartbeat;
  private readonly wake: Wake;
  private readonly cancelWatch: CancelWatch;
  private readonly scheduleKeeper: ScheduleKeeper | undefined;
  private readonly registry: WorkerRegistry | undefined;
  /** The run loop: reserve rounds, job starts, give-backs after close (src/job-loop.ts). */
  private readonly jobs: JobLoop;
  /** Ends the grace period early (a second SIGINT). */
  private readonly hurry = new AbortController();
  private currentStatus: WorkerStatus = 'new';
  private loopDone: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  private keepAliveTimer: NodeJS.Timeout | undefined;
  private unwireSignals: (() => void) | undefined;

  constructor(driver: Driver, options: WorkerOptions = {}) {
    this.driver = driver;
    this.options = resolveOptions(options);
    const { clock, logger } = this.options;
    this.emitter = workerEmitter(logger);
    this.reportError = errorReporter(this.emitter, logger);
    this.slots = new Slots(this.options.concurrency, this.options.prefetch);
    this.planner = createPlanner(this.options.queues, this.options.queueOrder);
    this.heartbeat = new Heartbeat({
      driver,
      clock,
      intervalMs: this.options.heartbeatMs,
      holders: () => this.jobs.runs,
      onError: (error, lease) => this.reportError(error, 'heartbeat', lease),
    });
    this.wake = new Wake({
      driver,
      clock,
      queues: this.planner.names,
      pollIntervalMs: this.options.pollIntervalMs,
      leaseMs: this.options.leaseMs,
      onHandoff: (jobs) => this.jobs.takeHanded(jobs),
      onError: (error) => this.reportError(toError(error), 'waitForWork'),
    });
    this.cancelWatch = new CancelWatch({
      driver,
      queues: this.planner.names,
      push: this.options.cancelPush,
      runs: () => this.jobs.runs,
      onError: (error) => this.reportError(error, 'subscribeCancels'),
    });
    const acks = new AckBatcher(driver, clock, ackCallsOut(this.options));
    const runDeps: RunDeps = {
      driver,
      ack: (lease, result) => acks.ack(lease, result),
      jobControl: hasJobControl(driver),
      schedules: hasSchedules(driver) ? driver : undefined,
      flowControl: hasFlowControl(driver) ? driver : undefined,
      options: this.options,
      emit: (event, payload) => this.emitter.emit(event, payload),
      listening: (event) => this.emitter.has(event),
      handlerFor: (type) => this.handlers.get(type),
      registeredTypes: () => [...this.handlers.keys()],
      middleware: () => this.middlewares,
      noteDue: (at) => this.wake.noteDue(at),
    };
    if (runDeps.schedules !== undefined && this.options.scheduleCheckMs > 0) {
      this.scheduleKeeper = new ScheduleKeeper({
        driver: runDeps.schedules,
        clock,
        queues: this.planner.names,
        intervalMs: this.options.scheduleCheckMs,
        noteDue: (at) => this.wake.noteDue(at),
        onError: (error) => this.reportError(toError(error), 'schedules'),
      });
    }
    if (hasObservability(driver)) {
      this.registry = new WorkerRegistry({
        driver,
        clock,
        logger,
        ttlMs: this.options.registryTtlMs,
        queues: this.planner.names,
        concurrency: this.options.concurrency,
        running: () => this.slots.inUse,
      });
    }
    this.jobs = new JobLoop({
      driver,
      options: this.options,
      slots: this.slots,
      planner: this.planner,
      heartbeat: this.heartbeat,
      wake: this.wake,
      runDeps,
      emitter: this.emitter,
      reportError: this.reportError,
    });
  }

  /** Where the worker stands in its life. */
  get status(): WorkerStatus {
    return this.currentStatus;
  }

  /** How many jobs this worker holds now (reserved and waiting for a slot, handlers running, or outcomes being written). */
  get activeCount(): number {
    return this.slots.held;
  }

  /**
   * Sets the handler for one job type. The payload type comes from the
   * worker's job map. Handlers may be registered before or after start().
   *
   * @example
   * worker.register('email.send', async (job) => job.payload.to); // job.payload: { to: string }
   */
  register<Type extends keyof Jobs & string>(type: Type, handler: Handler<Jobs[Type], Type>): this {
    validateName('type', type);
    if (this.handlers.has(type)) {
      throw new Error(`a handler for job type "${type}" is already registered; register each type once`);
    }
    this.handlers.set(type, handler as Handler);
    return this;
  }

  /** Adds a middleware around every handler; the first added runs outermost. */
  use(middleware: Middleware<Jobs>): this {
    this.middlewares.push(middleware as Middleware);
    return this;
  }

  on<Event extends keyof WorkerEvents>(event: Event, listener: (payload: WorkerEvents[Event]) => unknown): () => void {
    return this.emitter.on(event, listener);
  }

  once<Event extends keyof WorkerEvents>(event: Event, listener: (payload: WorkerEvents[Event]) => unknown): () => void {
    return this.emitter.once(event, listener);
  }

  off<Event extends keyof WorkerEvents>(event: Event, listener: (payload: WorkerEvents[Event]) => unknown): void {
    this.emitter.off(event, listener);
  }

  /**
   * Starts taking jobs at once; they run in the background until close().
   * Resolves once the worker also listens for cancel requests (at once
   * without job control). The first jobs do not wait for that subscription:
   * a cancel request that comes before it reaches their run on its next
   * heartbeat instead. On a driver with observability it also waits for the
   * worker's first entry in the live-worker list (a failure there is only
   * logged; see docs/worker.md, Live workers).
   */
  async start(): Promise<void> {
    if (this.currentStatus !== 'new') {
      throw new Error(`worker cannot start: it is ${this.currentStatus}; create a new Worker`);
    }
    this.currentStatus = 'started';
    if (this.options.keepAlive) this.keepAliveTimer = setInterval(() => {}, MAX_TIMER_MS);
    if (this.options.handleSignals) this.closeOnSignals();
    this.options.logger.info(
      { queues: this.planner.names, concurrency: this.options.concurrency, types: [...this.handlers.keys()] },
      'worker started',
    );
    this.scheduleKeeper?.start();
    const registered = this.registry?.start();
    this.loopDone = this.jobs.run();
    await this.cancelWatch.start();
    await registered;
  }

  /**
   * Stops taking jobs, waits up to the grace period for running handlers,
   * then aborts the rest (ctx.signal) and releases their jobs so another
   * worker starts them at once without counting an attempt. Resolves when
   * every outcome and release has been written; a handler that ignores its
   * signal may still be running then, but nothing it does is recorded.
   * Calling it again returns the same promise. The driver is not closed.
   */
  close(options: CloseOptions = {}): Promise<void> {
    if (this.closing === undefined) {
      const graceMs = options.graceMs ?? this.options.shutdownGraceMs;
      this.closing = this.shutdown(graceMs);
    }
    return this.closing;
  }

  /**
   * Closes the worker gracefully on SIGINT or SIGTERM; a second signal ends
   * the grace period at once. Returns a function that removes the listeners
   * (close() also removes them when it finishes).
   */
  closeOnSignals(signals: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM']): () => void {
    const unwire = closeOnSignals(signals, () => {
      if (this.closing === undefined) {
        this.options.logger.info({}, 'signal received; closing the worker');
        void this.close();
      } else {
        this.options.logger.warn({}, 'second signal; aborting running jobs now');
        this.hurry.abort();
      }
    });
    const previous = this.unwireSignals;
    this.unwireSignals = () => {
      previous?.();
      unwire();
    };
    return unwire;
  }

  private async shutdown(graceMs: number): Promise<void> {
    const { clock, logger } = this.options;
    const wasStarted = this.currentStatus === 'started';
    this.currentStatus = 'closing';
    logger.info({ running: this.slots.inUse, graceMs }, 'worker closing');
    this.jobs.stop();
    await this.loopDone;
    await this.scheduleKeeper?.stop();
    // Rounds still on their way give back what they bring (the loop is stopped), before the releases are gathered.
    await this.jobs.sentRoundsSettled();
    await this.jobs.lateReservesSettled();
    await this.jobs.pendingStartsSettled();
    if (this.slots.inUse > 0 && graceMs > 0) {
      const graceOver = new AbortController();
      const cancelGrace = startTimer(clock, graceMs, () => graceOver.abort());
      const endEarly = () => graceOver.abort();
      this.hurry.signal.addEventListener('abort', endEarly, { once: true });
      if (this.hurry.signal.aborted) graceOver.abort();
      await this.slots.whenIdle(graceOver.signal);
      cancelGrace();
      this.hurry.signal.removeEventListener('abort', endEarly);
    }
    await this.jobs.releaseAll(graceMs);
    if (wasStarted) await this.registry?.stop();
    this.heartbeat.stop();
    this.cancelWatch.stop();
    if (this.keepAliveTimer !== undefined) clearInterval(this.keepAliveTimer);
    this.unwireSignals?.();
    this.currentStatus = 'closed';
    if (wasStarted) logger.info({}, 'worker closed');
  }
}
