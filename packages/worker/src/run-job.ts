import {
  type Codec,
  type Job,
  type JobRecord,
  type Lease,
  mayBePendingOccurrence,
  RateLimitedError,
  requireFlowControl,
  type ReservedJob,
  type Schedules,
  toJob,
  validateLeaseMs,
} from '@taskharbor/core';
import type { WorkerEvents } from './events.js';
import {
  errorMessage,
  isLeaseError,
  JobTimeoutError,
  LeaseLostError,
  MissingHandlerError,
  toError,
  WorkerShutdownError,
} from './errors.js';
import type { Cancellable } from './cancel-watch.js';
import type { JobContext } from './handler.js';
import type { LeaseHolder } from './heartbeat.js';
import { type ContextSource, RunContext } from './job-context.js';
import type { Logger } from './logger.js';
import { compose } from './middleware.js';
import { poisonUpdate } from './outcome.js';
import { writeDead, writeFailure, writeHeldBack, writeRelease, writeSnoozed, writeSuccess } from './outcome-writes.js';
import { reportRunProgress } from './progress.js';
import { type CancelTarget, cancelRun, writeCancelled } from './run-cancel.js';
import type { RunDeps, RunState } from './run-state.js';
import { advanceHeldOccurrence, type ScheduleStep } from './schedule-step.js';
import { holdMsOf, SnoozeSignal, validateSnoozeMs } from './snooze.js';
import { startTimer } from './timers.js';

/** Shows undecodable bytes as they are, so events can still describe the job. */
const rawCodec: Codec = { encode: (value) => value as Uint8Array, decode: (bytes) => bytes };

/**
 * One reserved job, from its start to its outcome. Exactly one outcome is
 * written per run (ack, retry, fail or release), or none when the lease was
 * lost; `state` makes the first of handler end, timeout, lease loss and
 * shutdown win, and the others see it and stand down.
 */
export class JobRun implements LeaseHolder, ContextSource, Cancellable, CancelTarget {
  readonly record: JobRecord;
  readonly job: Job<unknown>;
  lease: Lease;
  leaseMs: number;
  state: RunState = 'running';
  readonly deps: RunDeps;
  /** Made when the handler first reads ctx.signal: most never do, and a busy worker starts thousands of jobs a second. */
  private controller: AbortController | undefined;
  private abortReason: { reason: unknown } | undefined;
  /** A cancel request reached the run while its handler ran (see run-cancel.ts). */
  cancelAsked = false;
  /** The handler called ctx.snooze: the run ends snoozed for this long, whatever the handler did after. */
  private snoozeMs: number | undefined;
  private readonly decodeError: unknown;
  private startedAt: number;
  durationMs = 0;
  private write: Promise<void> | undefined;

  constructor(reserved: ReservedJob, deps: RunDeps) {
    this.deps = deps;
    this.record = reserved.job;
    this.lease = reserved.lease;
    this.leaseMs = deps.options.leaseMs;
    this.startedAt = deps.options.clock.now();
    let job: Job<unknown>;
    try {
      job = toJob(reserved.job, deps.options.codec);
    } catch (error) {
      this.decodeError = error;
      job = toJob(reserved.job, rawCodec);
    }
    this.job = job;
  }

  get renewable(): boolean {
    return this.state === 'running';
  }

  leaseExtended(lease: Lease): void {
    if (this.state !== 'running' || lease.token !== this.lease.token) return;
    this.lease = lease;
    if (lease.cancelRequested === true) this.requestCancel();
  }

  /** The job was cancelled (pushed, or seen on a renewed lease): see run-cancel.ts. */
  requestCancel(): void {
    cancelRun(this);
  }

  leaseLost(error: Error): void {
    this.loseLease(error, 'heartbeat');
  }

  /**
   * Runs the job. Resolves (never rejects) once the handler has settled, or
   * at once when the job cannot run (poison, undecodable, no handler): then
   * its slot is free. The outcome write may still be in flight; written()
   * tells when it ends.
   */
  async run(): Promise<void> {
    const { options, schedules } = this.deps;
    // A prefetched job may have waited: its lease lost, its job cancelled, or the worker closing meanwhile.
    if (this.state !== 'running') return;
    this.startedAt = options.clock.now();
    if (this.cancelAsked) {
      this.state = 'writing';
      this.write = writeCancelled(this);
      return;
    }
    // First, so a schedule goes on even when this run cannot (poison, no handler).
    if (schedules !== undefined && mayBePendingOccurrence(this.record) && !(await this.keepScheduleGoing(schedules))) return;
    if (this.record.reclaims > options.maxReclaims) {
      this.state = 'writing';
      this.write = writeDead(this, poisonUpdate(this.record, options.maxReclaims, options.clock.now()), undefined);
      return;
    }
    if (this.decodeError !== undefined) return this.failWithoutRunning(this.decodeError, undefined);
    const handler = this.deps.handlerFor(this.record.type);
    if (handler === undefined) {
      const error = new MissingHandlerError(this.record.type, this.deps.registeredTypes());
      const deadNow = options.onMissingHandler === 'fail' ? "no handler (onMissingHandler 'fail')" : undefined;
      return this.failWithoutRunning(error, deadNow);
    }

    if (this.deps.listening('active')) this.deps.emit('active', { job: this.job, lease: this.lease });
    if (options.logDebug) options.logger.debug(this.fields(), 'job started');
    const timeoutMs = this.record.timeoutMs;
    const cancelTimeout =
      timeoutMs === undefined ? undefined : startTimer(options.clock, timeoutMs, () => this.timeOut(timeoutMs));
    let failure: { error: unknown } | undefined;
    let value: unknown;
    const steps = this.deps.middleware();
    try {
      // Without middleware the handler is called as is (a synchronous throw lands in the catch all the same).
      if (steps.length === 0) value = await handler(this.job, this.context());
      else value = await compose(steps, handler)(this.job, this.context());
    } catch (error) {
      failure = { error };
    }
    cancelTimeout?.();
    this.durationMs = options.clock.now() - this.startedAt;
    if (this.state === 'running') {
      this.state = 'writing';
      this.write = this.writeOutcome(failure, value);
    } else if (this.state !== 'writing') {
      options.logger.debug(this.fields({ state: this.state }), 'handler settled after its job was given up; result ignored');
    }
  }

  /** The outcome of a handler that settled while the run was still ours; a cancel wins, then a snooze. */
  private writeOutcome(failure: { error: unknown } | undefined, value: unknown): Promise<void> {
    const { flowControl } = this.deps;
    if (this.cancelAsked) return writeCancelled(this);
    if (this.snoozeMs !== undefined && flowControl !== undefined) return writeSnoozed(this, flowControl, this.snoozeMs);
    if (failure === undefined) return writeSuccess(this, value);
    const holdMs = failure.error instanceof RateLimitedError ? holdMsOf(failure.error) : undefined;
    if (holdMs !== undefined && flowControl !== undefined) return writeHeldBack(this, flowControl, holdMs);
    return writeFailure(this, failure.error, undefined);
  }

  /**
   * Moves the job's schedule on before the job runs (docs/schedules.md).
   * False when the job does not run here: the advance dropped it (a missed
   * tick, a paused schedule), the lease was lost, or the advance could not
   * be written and the job goes back to its queue, where the next reserve
   * tries again.
   */
  private async keepScheduleGoing(driver: Schedules): Promise<boolean> {
    let step: ScheduleStep;
    try {
      step = await advanceHeldOccurrence(driver, this.record, this.lease, this.deps.options.clock);
    } catch (error) {
      if (isLeaseError(error)) {
        this.loseLease(toError(error), 'schedule');
        return false;
      }
      if (this.state !== 'running') return false;
      this.deps.options.logger.error(this.fields({ error: errorMessage(error) }), 'schedule not advanced; the job goes back to its queue');
      this.deps.emit('error', { error: toError(error), during: 'schedule', jobId: this.record.id, queue: this.record.queue });
      this.giveBack('the schedule could not be advanced');
      return false;
    }
    if (step.nextRunAt !== undefined) this.deps.noteDue(step.nextRunAt);
    if (this.state !== 'running') return false;
    if (step.outcome === 'dropped') {
      this.state = 'finished';
      this.deps.options.logger.info(this.fields(), 'tick not run: missed under the catch-up policy, or the schedule is paused');
      return false;
    }
    if (step.outcome === 'busy') {
      this.giveBack('the schedule kept changing while it was advanced');
      return false;
    }
    return true;
  }

  private giveBack(why: string): void {
    this.state = 'writing';
    this.write = writeRelease(this, why);
  }

  /** Resolves when every write started for the job so far has finished (at once when none was). */
  written(): Promise<void> {
    return this.write ?? Promise.resolve();
  }

  /**
   * Shutdown after the grace period: aborts a still-running handler and
   * gives its job back without counting an attempt. Resolves when every
   * write for the job has finished (the handler may still be running).
   */
  release(graceMs: number): Promise<void> {
    if (this.state !== 'running') return this.write ?? Promise.resolve();
    this.state = 'released';
    this.abort(new WorkerShutdownError(this.record.id, graceMs));
    this.write = writeRelease(this, 'released at shutdown');
    return this.write;
  }

  /** The run's abort signal; an abort that came before it was made is already on it. */
  abortSignal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      if (this.abortReason !== undefined) this.controller.abort(this.abortReason.reason);
    }
    return this.controller.signal;
  }

  /** Aborts the handler's signal, once: the first of cancel, timeout, lease loss and shutdown gives the reason. */
  abort(reason: unknown): void {
    if (this.abortReason !== undefined) return;
    this.abortReason = { reason };
    this.controller?.abort(reason);
  }

  private context(): JobContext {
    return new RunContext(this);
  }

  /** For RunContext: the fields every log line of the job carries. */
  logFields(): Record<string, unknown> {
    return this.fields();
  }

  /** For RunContext: the worker's logger. */
  get logger(): Logger {
    return this.deps.options.logger;
  }

  /** ctx.extendLease. */
  async extendByHand(ms = this.deps.options.leaseMs): Promise<Lease> {
    validateLeaseMs(ms);
    const { driver, options } = this.deps;
    if (this.state !== 'running') {
      throw new LeaseLostError(this.record.id, `the job is no longer running here (${this.state})`);
    }
    const length = Math.max(ms, options.leaseMs);
    try {
      const lease = await driver.extendLease(this.lease, length, options.clock.now());
      if (this.state === 'running') {
        this.lease = lease;
        this.leaseMs = length;
      }
      return lease;
    } catch (error) {
      if (isLeaseError(error)) this.loseLease(toError(error), 'extendLease');
      throw error;
    }
  }

  private timeOut(timeoutMs: number): void {
    if (this.state !== 'running') return;
    const error = new JobTimeoutError(this.record.id, timeoutMs);
    this.state = 'writing';
    this.durationMs = this.deps.options.clock.now() - this.startedAt;
    this.abort(error);
    // A cancelled job whose handler outlives its timeout ends cancelled all the same, not failed.
    this.write = this.cancelAsked ? writeCancelled(this) : writeFailure(this, error, undefined);
  }

  /** For RunContext: ctx.progress (see progress.ts). */
  reportProgress(value: unknown): Promise<void> {
    return reportRunProgress(this, value);
  }

  /** For RunContext: ctx.snooze. Throws, so the handler stops where it called it. */
  snooze(ms: number): never {
    requireFlowControl(this.deps.driver, 'snooze');
    validateSnoozeMs(ms);
    this.snoozeMs ??= ms;
    throw new SnoozeSignal(ms);
  }

  private loseLease(error: Error, during: WorkerEvents['leaseLost']['during']): void {
    if (this.state !== 'running') return;
    this.state = 'lost';
    this.abort(new LeaseLostError(this.record.id, error));
    this.deps.options.logger.warn(this.fields({ error: error.message, during }), 'lease lost; the job may run elsewhere');
    this.deps.emit('leaseLost', { job: this.job, lease: this.lease, error, during });
  }

  private failWithoutRunning(error: unknown, deadNow: string | undefined): void {
    this.state = 'writing';
    this.write = writeFailure(this, error, deadNow);
  }

  /** The fields every log line of the job carries, and `extra`. */
  fields(extra?: Record<string, unknown>): Record<string, unknown> {
    return { jobId: this.record.id, type: this.record.type, queue: this.record.queue, attempt: this.job.attempt, ...extra };
  }
}
