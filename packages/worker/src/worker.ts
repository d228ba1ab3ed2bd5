import {
  type Driver,
  ErrorCode,
  hasFlowControl,
  hasJobControl,
  hasObservability,
  hasSchedules,
  isTaskHarborError,
  type JobMap,
  type Lease,
  type ReservedJob,
  sleep,
  validateName,
} from '@taskharbor/core';
import { AckBatcher } from './ack-batch.js';
import { CancelWatch } from './cancel-watch.js';
import { TypedEmitter } from './emitter.js';
import { isLeaseError, toError } from './errors.js';
import type { WorkerEvents } from './events.js';
import type { Handler, Middleware } from './handler.js';
import { Heartbeat } from './heartbeat.js';
import { type ResolvedOptions, resolveOptions, type WorkerOptions } from './options.js';
import { createPlanner, type QueuePlanner } from './queue-order.js';
import { QueueTrouble } from './queue-trouble.js';
import { type RoundResult, reserveRound } from './reserve-round.js';
import { JobRun, type RunDeps } from './run-job.js';
import { ScheduleKeeper } from './schedule-keeper.js';
import { Slots } from './slots.js';
import { closeOnSignals } from './signals.js';
import { MAX_TIMER_MS, startTimer } from './timers.js';
import { Wake } from './wake.js';
import { WorkerRegistry } from './worker-registry.js';

export interface CloseOptions {
  /** Overrides the worker's shutdownGraceMs for this close. 0 aborts and releases running jobs at once. */
  graceMs?: number;
}

/** new: not started. started: taking jobs. closing: finishing what runs. closed: done. */
export type WorkerStatus = 'new' | 'started' | 'closing' | 'closed';

/** After a failed reserve, wait this long, doubling up to the cap, before trying again. */
const RESERVE_RETRY_MIN_MS = 100;
const RESERVE_RETRY_MAX_MS = 5_000;
/** The most jobs of one reserve reply started in one turn of the event loop (see startJobs). */
export const START_CHUNK = 25;

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
  private readonly handlers = new Map<string, Handler>();
  private readonly middlewares: Middleware[] = [];
  private readonly slots: Slots;
  private readonly runs = new Set<JobRun>();
  private readonly strayReleases = new Set<Promise<void>>();
  private readonly planner: QueuePlanner;
  private readonly heartbeat: Heartbeat;
  private readonly wake: Wake;
  private readonly cancelWatch: CancelWatch;
  private readonly trouble: QueueTrouble;
  private readonly scheduleKeeper: ScheduleKeeper | undefined;
  private readonly registry: WorkerRegistry | undefined;
  private readonly runDeps: RunDeps;
  private readonly stop = new AbortController();
  /** Ends the grace period early (a second SIGINT). */
  private readonly hurry = new AbortController();
  private currentStatus: WorkerStatus = 'new';
  private loopDone: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  private keepAliveTimer: NodeJS.Timeout | undefined;
  private unwireSignals: (() => void) | undefined;
  /** The last reserve round left a slot unfilled: every queue was empty. */
  private lastLookEmpty = false;
  /** `drained` was emitted and no job was reserved since. */
  private drainedSent = false;
  /** Rounds sent by a busy worker without waiting for their answer. */
  private readonly sentRounds = new Set<Promise<unknown>>();
  /** Parts of reserve replies waiting for their turn to start (see startJobs). */
  private readonly pendingStarts = new Set<Promise<void>>();
  /** The failure of a sent round, for the loop to back off on. */
  private roundError: { error: unknown } | undefined;
  private retryMs = 0;

  constructor(driver: Driver, options: WorkerOptions = {}) {
    this.driver = driver;
    this.options = resolveOptions(options);
    const { clock, logger } = this.options;
    this.emitter = new TypedEmitter<WorkerEvents>((event, error) => {
      logger.error({ event, error: toError(error).message }, 'an event listener threw');
      // A throwing error listener is only logged, or one broken listener would loop forever.
      if (event !== 'error') this.emit('error', { error: toError(error), during: 'listener' });
    });
    this.slots = new Slots(this.options.concurrency);
    this.planner = createPlanner(this.options.queues, this.options.queueOrder);
    this.heartbeat = new Heartbeat({
      driver,
      clock,
      intervalMs: this.options.heartbeatMs,
      holders: () => this.runs,
      onError: (error, lease) => this.reportError(error, 'heartbeat', lease),
    });
    this.wake = new Wake({
      driver,
      clock,
      queues: this.planner.names,
      pollIntervalMs: this.options.pollIntervalMs,
      onError: (error) => this.reportError(toError(error), 'waitForWork'),
    });
    this.cancelWatch = new CancelWatch({
      driver,
      queues: this.planner.names,
      push: this.options.cancelPush,
      runs: () => this.runs,
      onError: (error) => this.reportError(error, 'subscribeCancels'),
    });
    this.trouble = new QueueTrouble((error) => {
      if (error !== undefined) this.reportError(toError(error), 'reserve');
      // The queue can be asked again: an idle worker looks at once rather than at its next poll.
      if (this.lastLookEmpty) this.wake.poke();
    });
    const acks = new AckBatcher(driver, clock);
    this.runDeps = {
      driver,
      ack: (lease, result) => acks.ack(lease, result),
      jobControl: hasJobControl(driver),
      schedules: hasSchedules(driver) ? driver : undefined,
      flowControl: hasFlowControl(driver) ? driver : undefined,
      options: this.options,
      emit: (event, payload) => this.emit(event, payload),
      listening: (event) => this.emitter.has(event),
      handlerFor: (type) => this.handlers.get(type),
      registeredTypes: () => [...this.handlers.keys()],
      middleware: () => this.middlewares,
      noteDue: (at) => this.wake.noteDue(at),
    };
    if (this.runDeps.schedules !== undefined && this.options.scheduleCheckMs > 0) {
      this.scheduleKeeper = new ScheduleKeeper({
        driver: this.runDeps.schedules,
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
  }

  /** Where the worker stands in its life. */
  get status(): WorkerStatus {
    return this.currentStatus;
  }

  /** How many jobs this worker holds now (handlers running, or outcomes being written). */
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
    this.loopDone = this.loop();
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

  private async loop(): Promise<void> {
    const stop = this.stop.signal;
    while (!stop.aborted) {
      if (this.slots.free === 0) {
        await this.slots.whenFree(stop);
        // Let the other jobs that finish in this turn give their slots back too, so one
        // reserve fills them all instead of one reserve per slot.
        for (let hop = 0; hop < 4; hop++) await Promise.resolve();
        continue;
      }
      if (this.roundError !== undefined) {
        const { error } = this.roundError;
        this.roundError = undefined;
        if (!(await this.backOff(error))) break;
        continue;
      }
      if (!this.lastLookEmpty && this.someQueueAskable()) {
        // Busy: send the round and go on filling slots as they free, without waiting for its
        // answer, so the next round is on its way while this one's jobs run. No wake-up is
        // armed: a busy worker sends nothing to waitForWork while jobs keep coming.
        this.sendRound();
        continue;
      }
      // Every queue is set aside (a late reserve out, or a backoff): a round would ask nothing and
      // come back at once, so the busy path would never yield. Look as an idle worker does, and
      // wait for the late answer (it pokes the wait), the backoff's end or new work.
      this.lastLookEmpty = true;
      // The last round came up short: arm the wake-up before the reserve that may lead to a
      // wait, so it cannot miss an enqueue that lands in between, and wait for the answer.
      this.wake.arm();
      let round: RoundResult;
      try {
        round = await this.startRound();
        this.retryMs = 0;
      } catch (error) {
        this.wake.cancel();
        if (!(await this.backOff(error))) break;
        continue;
      }
      this.lastLookEmpty = round.idle;
      if (!round.idle) {
        this.wake.cancel();
        continue;
      }
      if (round.reserved === 0 && this.slots.held === 0 && this.sentRounds.size === 0 && this.pendingStarts.size === 0 && !this.drainedSent) {
        this.drainedSent = true;
        this.emit('drained', {});
      }
      await this.wake.wait(round.nextDueAt, stop);
    }
    this.wake.cancel();
  }

  /** Whether a round now would ask some queue (rather than skip them all for trouble). */
  private someQueueAskable(): boolean {
    const now = this.options.clock.now();
    return this.planner.names.some((queue) => !this.trouble.skips(queue, now));
  }

  /** One reserve round for every free slot; the slots stay booked until it answers. */
  private startRound(): Promise<RoundResult> {
    const free = this.slots.free;
    this.slots.book(free);
    return reserveRound({
      driver: this.driver,
      clock: this.options.clock,
      planner: this.planner,
      leaseMs: this.options.leaseMs,
      free,
      onJobs: (jobs) => this.startJobs(jobs),
      onLateJobs: (jobs) => this.startLateJobs(jobs),
      onQueueError: (error) => this.reportError(toError(error), 'reserve'),
      unbook: (count) => this.slots.unbook(count),
      trouble: this.trouble,
    });
  }

  /** Sends a round without waiting for it; its outcome reaches the loop through lastLookEmpty or roundError. */
  private sendRound(): void {
    const round = this.startRound().then(
      (result) => {
        this.retryMs = 0;
        // Every queue came up short: the loop looks once more, armed, before it waits.
        if (result.idle) this.lastLookEmpty = true;
      },
      (error: unknown) => {
        this.roundError = { error };
      },
    );
    this.sentRounds.add(round);
    void round.finally(() => this.sentRounds.delete(round));
  }

  /** Reports a failed reserve and waits before the next; false when the driver is closed for good. */
  private async backOff(error: unknown): Promise<boolean> {
    this.reportError(toError(error), 'reserve');
    if (isTaskHarborError(error, ErrorCode.DriverClosed)) {
      // Nothing more can be reserved; close() still finishes what runs.
      this.options.logger.error({}, 'driver closed under the worker; it stops taking jobs');
      return false;
    }
    const { pollIntervalMs, clock } = this.options;
    this.retryMs = Math.min(RESERVE_RETRY_MAX_MS, pollIntervalMs, Math.max(RESERVE_RETRY_MIN_MS, this.retryMs * 2));
    await sleep(clock, this.retryMs, this.stop.signal);
    return true;
  }

  /**
   * Starts each reserved job, or gives it straight back when close() began
   * while the reserve was in flight, jobs[from..] in turns of at most
   * START_CHUNK. A large reply started all at once would keep Node busy
   * while Redis idles, and then Redis busy with the acks and the next
   * reserve while Node idles; starting the rest in the next turn lets the
   * first jobs' acks and the reserve for their slots go out first, so both
   * sides work at the same time. The later jobs keep their booked slots
   * while they wait; a close() in between releases them.
   */
  private startJobs(jobs: ReservedJob[], from = 0): void {
    // Once close() began, the rest are given back at once.
    const end = this.stop.signal.aborted ? jobs.length : Math.min(jobs.length, from + START_CHUNK);
    if (end < jobs.length) {
      const later: Promise<void> = new Promise((resolve) => {
        setImmediate(() => {
          this.pendingStarts.delete(later);
          this.startJobs(jobs, end);
          resolve();
        });
      });
      this.pendingStarts.add(later);
    }
    for (let i = from; i < end; i++) {
      const reserved = jobs[i] as ReservedJob;
      if (this.stop.signal.aborted) {
        this.slots.unbook(1);
        this.releaseUnstarted(reserved.lease);
        continue;
      }
      this.slots.takeBooked();
      this.drainedSent = false;
      const run = new JobRun(reserved, this.runDeps);
      this.runs.add(run);
      this.heartbeat.ensure();
      void this.runToEnd(run, reserved.lease);
    }
  }

  /**
   * Jobs of a reserve that answered after its round gave up on it: they run
   * in slots that are free now; the rest go straight back to their queue
   * (release: no attempt counted), as after close().
   */
  private startLateJobs(jobs: ReservedJob[]): void {
    const take = this.stop.signal.aborted ? 0 : Math.min(jobs.length, this.slots.free);
    this.slots.book(take);
    for (const job of jobs.slice(take)) this.releaseUnstarted(job.lease);
    if (take > 0) this.startJobs(jobs.slice(0, take));
  }

  /** Runs the job, frees its slot when the handler settles, and lets go of it once its outcome is written. */
  private async runToEnd(run: JobRun, lease: Lease): Promise<void> {
    try {
      await run.run();
    } catch (error) {
      this.reportError(toError(error), 'run', lease);
    }
    this.slots.settle();
    try {
      await run.written();
    } finally {
      this.runs.delete(run);
      if (this.runs.size === 0) this.heartbeat.pause();
      this.slots.written();
      // The last job just ended after the queues looked empty: look once more, so that
      // `drained` means a reserve found nothing while nothing ran (a retry may have just landed).
      if (this.slots.held === 0 && this.lastLookEmpty && !this.drainedSent) this.wake.poke();
    }
  }

  private releaseUnstarted(lease: Lease): void {
    const release = this.driver
      .release(lease, this.options.clock.now())
      .catch((error: unknown) => {
        if (isLeaseError(error)) return;
        this.reportError(toError(error), 'release', lease);
      })
      .finally(() => this.strayReleases.delete(release));
    this.strayReleases.add(release);
  }

  private async shutdown(graceMs: number): Promise<void> {
    const { clock, logger } = this.options;
    const wasStarted = this.currentStatus === 'started';
    this.currentStatus = 'closing';
    logger.info({ running: this.slots.inUse, graceMs }, 'worker closing');
    this.stop.abort();
    this.wake.cancel();
    await this.loopDone;
    await this.scheduleKeeper?.stop();
    // Rounds still on their way give back what they bring (stop is aborted), before the releases are gathered.
    await Promise.allSettled([...this.sentRounds]);
    await this.trouble.lateSettled();
    await Promise.allSettled([...this.pendingStarts]);
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
    const writes = [...this.runs].map((run) => run.release(graceMs));
    await Promise.all([...writes, ...this.strayReleases]);
    if (wasStarted) await this.registry?.stop();
    this.heartbeat.stop();
    this.cancelWatch.stop();
    if (this.keepAliveTimer !== undefined) clearInterval(this.keepAliveTimer);
    this.unwireSignals?.();
    this.currentStatus = 'closed';
    if (wasStarted) logger.info({}, 'worker closed');
  }

  private emit<Event extends keyof WorkerEvents>(event: Event, payload: WorkerEvents[Event]): void {
    this.emitter.emit(event, payload);
  }

  private reportError(error: Error, during: WorkerEvents['error']['during'], lease?: Lease): void {
    this.options.logger.error({ error: error.message, during, jobId: lease?.jobId }, `worker error during ${during}`);
    const payload: WorkerEvents['error'] = { error, during };
    if (lease !== undefined) {
      payload.jobId = lease.jobId;
      payload.queue = lease.queue;
    }
    this.emit('error', payload);
  }
}
