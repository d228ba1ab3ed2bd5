import {
  type Codec,
  type Driver,
  type FailUpdate,
  type FlowControl,
  type Job,
  JobCancelledError,
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
import type { Handler, JobContext, Middleware } from './handler.js';
import type { Cancellable } from './cancel-watch.js';
import type { LeaseHolder } from './heartbeat.js';
import { type ContextSource, RunContext } from './job-context.js';
import type { Logger } from './logger.js';
import { compose } from './middleware.js';
import type { ResolvedOptions } from './options.js';
import { decideFailure, poisonUpdate } from './outcome.js';
import { writeProgress } from './progress.js';
import { encodeResult } from './result.js';
import { advanceHeldOccurrence, type ScheduleStep } from './schedule-step.js';
import { holdMsOf, SnoozeSignal, validateSnoozeMs } from './snooze.js';
import { startTimer } from './timers.js';

/** What a run needs from its worker. */
export interface RunDeps {
  driver: Driver;
  options: ResolvedOptions;
  emit: <Event extends keyof WorkerEvents>(event: Event, payload: WorkerEvents[Event]) => void;
  /** Whether anyone listens for the event: payloads of per-job events are only built then. */
  listening(event: keyof WorkerEvents): boolean;
  handlerFor(type: string): Handler | undefined;
  registeredTypes(): string[];
  middleware(): readonly Middleware[];
  /** Tells the idle wait about a retry this run scheduled, which no reserve has reported yet. */
  noteDue(at: number): void;
  /** Writes an ack (with the encoded result, if any); acks of jobs that finish together go out as one batch. */
  ack(lease: Lease, result?: Uint8Array): Promise<void>;
  /** The driver declares job control: results are stored and cancels can come. */
  jobControl: boolean;
  /** The driver, when it declares schedules: a reserved pending occurrence moves its schedule on before it runs. */
  schedules: Schedules | undefined;
  /** The driver, when it declares flow control: ctx.snooze and RateLimitedError put the job back without a failure. */
  flowControl: FlowControl | undefined;
}

/**
 * - running: the handler runs and the heartbeat renews the lease.
 * - writing: the outcome is being written (the handler settled, or timed out).
 * - finished: the outcome write ended, written or not.
 * - lost: the lease is someone else's; nothing will be written.
 * - released: shut down after the grace period; the job was given back.
 */
export type RunState = 'running' | 'writing' | 'finished' | 'lost' | 'released';

/** The writes that end a run, as named in error events. */
type OutcomeOperation = 'ack' | 'retry' | 'fail' | 'snooze' | 'holdBack';

/** Shows undecodable bytes as they are, so events can still describe the job. */
const rawCodec: Codec = { encode: (value) => value as Uint8Array, decode: (bytes) => bytes };

/**
 * One reserved job, from its start to its outcome. Exactly one outcome is
 * written per run (ack, retry, fail or release), or none when the lease was
 * lost; `state` makes the first of handler end, timeout, lease loss and
 * shutdown win, and the others see it and stand down.
 */
export class JobRun implements LeaseHolder, ContextSource, Cancellable {
  readonly record: JobRecord;
  readonly job: Job<unknown>;
  lease: Lease;
  leaseMs: number;
  state: RunState = 'running';
  private readonly deps: RunDeps;
  /** Made when the handler first reads ctx.signal: most never do, and a busy worker starts thousands of jobs a second. */
  private controller: AbortController | undefined;
  private abortReason: { reason: unknown } | undefined;
  /** A cancel request reached the run while its handler ran: the outcome is the ack that finishes it as cancelled. */
  private cancelAsked = false;
  /** The handler called ctx.snooze: the run ends snoozed for this long, whatever the handler did after. */
  private snoozeMs: number | undefined;
  private readonly decodeError: unknown;
  private readonly startedAt: number;
  private durationMs = 0;
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

  /**
   * The job was cancelled (pushed, or seen on a renewed lease): aborts the
   * handler's signal with a JobCancelledError. The lease is still renewed
   * while the handler winds down; once it settles, whatever it returned or
   * threw, an ack without result finishes the job as cancelled.
   */
  requestCancel(): void {
    if (this.state !== 'running' || this.cancelAsked) return;
    this.cancelAsked = true;
    this.abort(new JobCancelledError(this.record.id));
    this.deps.options.logger.info(this.fields(), 'job cancelled; its handler was aborted');
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
    // First, so a schedule goes on even when this run cannot (poison, no handler).
    if (schedules !== undefined && mayBePendingOccurrence(this.record) && !(await this.keepScheduleGoing(schedules))) return;
    if (this.record.reclaims > options.maxReclaims) {
      this.state = 'writing';
      this.write = this.writeDead(poisonUpdate(this.record, options.maxReclaims, options.clock.now()), undefined);
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
    if (this.cancelAsked) return this.writeCancelled();
    if (this.snoozeMs !== undefined && flowControl !== undefined) return this.writeSnoozed(flowControl, this.snoozeMs);
    if (failure === undefined) return this.writeSuccess(value);
    const holdMs = failure.error instanceof RateLimitedError ? holdMsOf(failure.error) : undefined;
    if (holdMs !== undefined && flowControl !== undefined) return this.writeHeldBack(flowControl, holdMs);
    return this.writeFailure(failure.error, undefined);
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
    this.write = this.writeRelease(why);
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
    this.write = this.writeRelease('released at shutdown');
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

  private abort(reason: unknown): void {
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
    this.write = this.cancelAsked ? this.writeCancelled() : this.writeFailure(error, undefined);
  }

  /** For RunContext: ctx.progress. */
  async reportProgress(value: unknown): Promise<void> {
    const { driver, options } = this.deps;
    await writeProgress(driver, this.lease, value, options.clock.now());
    if (this.deps.listening('progress')) this.deps.emit('progress', { job: this.job, progress: value });
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
    this.write = this.writeFailure(error, deadNow);
  }

  /** The handler succeeded: a value it returned goes with the ack, or fails the run when it cannot be stored. */
  private writeSuccess(value: unknown): Promise<void> {
    // Without job control nothing would store a result, so it is not encoded; undefined costs nothing either way.
    if (value === undefined || !this.deps.jobControl) return this.writeAck(undefined);
    let result: Uint8Array;
    try {
      result = encodeResult(this.record.id, value, this.deps.options.codec);
    } catch (error) {
      return this.writeFailure(error, undefined);
    }
    return this.writeAck(result);
  }

  private async writeAck(result: Uint8Array | undefined): Promise<void> {
    const { options } = this.deps;
    try {
      await this.deps.ack(this.lease, result);
    } catch (error) {
      return this.writeFailed(error, 'ack');
    }
    this.state = 'finished';
    if (options.logDebug) options.logger.debug(this.fields({ durationMs: this.durationMs }), 'job completed');
    if (this.deps.listening('completed')) this.deps.emit('completed', { job: this.job, durationMs: this.durationMs });
  }

  /** The job has a cancel request: an ack, which the driver turns into cancelled, with no result, retry or dead-letter. */
  private async writeCancelled(): Promise<void> {
    try {
      await this.deps.ack(this.lease);
    } catch (error) {
      return this.writeFailed(error, 'ack');
    }
    this.state = 'finished';
    this.deps.options.logger.info(this.fields({ durationMs: this.durationMs }), 'job finished as cancelled');
    this.deps.emit('cancelled', { job: this.job, durationMs: this.durationMs });
  }

  private async writeFailure(cause: unknown, deadNow: string | undefined): Promise<void> {
    const { options } = this.deps;
    const now = options.clock.now();
    const error = toError(cause);
    const outcome = decideFailure({
      record: this.record,
      error: cause,
      now,
      retryPolicy: options.retryPolicy,
      defaultMaxAttempts: options.defaultMaxAttempts,
      deadNow,
    });
    const attempts = outcome.update.attempts;
    this.deps.emit('failed', { job: this.job, error, attempts, willRetry: outcome.kind === 'retry', durationMs: this.durationMs });
    if (outcome.kind === 'dead') return this.writeDead(outcome.update, error);
    try {
      await this.deps.driver.retry(this.lease, outcome.update, now);
    } catch (writeError) {
      return this.writeFailed(writeError, 'retry');
    }
    this.state = 'finished';
    const runAt = outcome.update.runAt;
    if (runAt !== undefined) this.deps.noteDue(runAt);
    options.logger.warn(this.fields({ error: errorMessage(cause), attempts, runAt }), 'job failed; retrying');
    this.deps.emit('retrying', { job: this.job, error, attempts, runAt });
  }

  private async writeSnoozed(flowControl: FlowControl, ms: number): Promise<void> {
    const { options } = this.deps;
    const now = options.clock.now();
    const runAt = now + ms;
    try {
      await flowControl.snooze(this.lease, runAt, now);
    } catch (error) {
      return this.writeFailed(error, 'snooze');
    }
    this.state = 'finished';
    this.deps.noteDue(runAt);
    if (options.logDebug) options.logger.debug(this.fields({ runAt }), 'job snoozed');
    if (this.deps.listening('snoozed')) this.deps.emit('snoozed', { job: this.job, runAt, durationMs: this.durationMs });
  }

  /** The handler threw RateLimitedError: the job goes back, and its group (or queue) waits `ms` on every worker. */
  private async writeHeldBack(flowControl: FlowControl, ms: number): Promise<void> {
    const { options } = this.deps;
    const now = options.clock.now();
    const until = now + ms;
    const scope = this.record.group === undefined ? 'queue' : 'group';
    try {
      await flowControl.holdBack(this.lease, until, now);
    } catch (error) {
      return this.writeFailed(error, 'holdBack');
    }
    this.state = 'finished';
    this.deps.noteDue(until);
    options.logger.warn(this.fields({ until, scope, group: this.record.group }), `job rate limited; its ${scope} is held back`);
    if (this.deps.listening('rateLimited')) this.deps.emit('rateLimited', { job: this.job, until, scope, durationMs: this.durationMs });
  }

  private async writeDead(update: FailUpdate, error: Error | undefined): Promise<void> {
    const { options } = this.deps;
    try {
      await this.deps.driver.fail(this.lease, update, options.clock.now());
    } catch (writeError) {
      return this.writeFailed(writeError, 'fail');
    }
    this.state = 'finished';
    options.logger.error(this.fields({ reason: update.reason, attempts: update.attempts }), 'job dead-lettered');
    this.deps.emit('dead', { job: this.job, record: this.record, reason: update.reason, attempts: update.attempts, error });
  }

  private async writeRelease(why: string): Promise<void> {
    try {
      await this.deps.driver.release(this.lease, this.deps.options.clock.now());
      this.deps.options.logger.info(this.fields({ why }), 'job released');
    } catch (error) {
      this.reportWriteError(error, 'release');
    }
  }

  /** An outcome write failed. It is never sent again: its reply may be what was lost, and the lease decides. */
  private writeFailed(error: unknown, operation: OutcomeOperation): void {
    this.state = isLeaseError(error) ? 'lost' : 'finished';
    this.reportWriteError(error, operation);
  }

  private reportWriteError(cause: unknown, operation: OutcomeOperation | 'release'): void {
    const error = toError(cause);
    if (isLeaseError(cause)) {
      const during = operation === 'release' ? 'release' : 'outcome';
      this.deps.options.logger.warn(this.fields({ error: error.message, operation }), 'outcome not written: lease lost');
      this.deps.emit('leaseLost', { job: this.job, lease: this.lease, error, during });
    } else {
      this.deps.options.logger.error(this.fields({ error: error.message, operation }), 'outcome write failed; not resent');
      this.deps.emit('error', { error, during: operation, jobId: this.record.id, queue: this.record.queue });
    }
  }

  private fields(extra?: Record<string, unknown>): Record<string, unknown> {
    return { jobId: this.record.id, type: this.record.type, queue: this.record.queue, attempt: this.job.attempt, ...extra };
  }
}
