import { type Driver, ErrorCode, isTaskHarborError, type Lease, type ReservedJob, sleep, ValidationError } from '@taskharbor/core';
import type { TypedEmitter } from './emitter.js';
import { isLeaseError, toError } from './errors.js';
import type { WorkerEvents } from './events.js';
import type { Heartbeat } from './heartbeat.js';
import type { ResolvedOptions } from './options.js';
import type { QueuePlanner } from './queue-order.js';
import { QueueTrouble } from './queue-trouble.js';
import { type RoundResult, reserveRound } from './reserve-round.js';
import { JobRun } from './run-job.js';
import type { RunDeps } from './run-state.js';
import type { Slots } from './slots.js';
import type { Wake } from './wake.js';
import { WaitingRuns } from './waiting-runs.js';
import type { ReportError } from './worker-events.js';

/** After a failed reserve, wait this long, doubling up to the cap, before trying again. */
const RESERVE_RETRY_MIN_MS = 100;
const RESERVE_RETRY_MAX_MS = 5_000;
/** The most jobs of one reserve reply started in one turn of the event loop (see startJobs), unless the driver declares its batchSize. */
export const START_CHUNK = 25;

/** The driver's declared batchSize, else START_CHUNK; a declared value that is not a positive integer is a ValidationError. */
export function startChunkFor(driver: Driver): number {
  const declared = driver.batchSize;
  if (declared === undefined) return START_CHUNK;
  if (!Number.isSafeInteger(declared) || declared < 1) {
    throw new ValidationError('batchSize', `the driver declares a batchSize of ${String(declared)}; expected a positive integer`);
  }
  return declared;
}

export interface JobLoopInput {
  driver: Driver;
  options: ResolvedOptions;
  slots: Slots;
  planner: QueuePlanner;
  heartbeat: Heartbeat;
  wake: Wake;
  runDeps: RunDeps;
  emitter: TypedEmitter<WorkerEvents>;
  reportError: ReportError;
}

/**
 * The worker's run loop: reserve rounds for its free slots (sent ahead
 * while busy, armed for a wake-up when idle), each reserved job started in
 * its own JobRun, and jobs that come back after stop() given back to their
 * queue. Worker starts it, stops it and waits for what it leaves running.
 */
export class JobLoop {
  /** The jobs this worker holds: handlers running, or outcomes being written. */
  readonly runs = new Set<JobRun>();
  private readonly driver: Driver;
  private readonly options: ResolvedOptions;
  private readonly slots: Slots;
  private readonly planner: QueuePlanner;
  private readonly heartbeat: Heartbeat;
  private readonly wake: Wake;
  private readonly trouble: QueueTrouble;
  private readonly runDeps: RunDeps;
  private readonly emitter: TypedEmitter<WorkerEvents>;
  private readonly reportError: ReportError;
  /** Jobs of one reserve reply started per turn: the driver's batchSize, else START_CHUNK. */
  private readonly startChunk: number;
  private readonly strayReleases = new Set<Promise<void>>();
  private readonly halt = new AbortController();
  /** The last reserve round left a slot unfilled: every queue was empty. */
  private lastLookEmpty = false;
  /** `drained` was emitted and no job was reserved since. */
  private drainedSent = false;
  /** Rounds sent by a busy worker without waiting for their answer. */
  private readonly sentRounds = new Set<Promise<unknown>>();
  /** Reserved jobs waiting for a handler slot; also in `runs`. */
  private readonly waiting = new WaitingRuns();
  private drainScheduled = false;
  /** Parts of reserve replies waiting for their turn to start (see startJobs). */
  private readonly pendingStarts = new Set<Promise<void>>();
  /** The armed reserve round of an idle look while it is out; it holds every free slot booked. */
  private idleLook: Promise<RoundResult> | undefined;
  /** The failure of a sent round, for the loop to back off on. */
  private roundError: { error: unknown } | undefined;
  private retryMs = 0;

  constructor(input: JobLoopInput) {
    this.driver = input.driver;
    this.options = input.options;
    this.slots = input.slots;
    this.planner = input.planner;
    this.heartbeat = input.heartbeat;
    this.wake = input.wake;
    this.runDeps = input.runDeps;
    this.emitter = input.emitter;
    this.reportError = input.reportError;
    this.startChunk = startChunkFor(input.driver);
    this.trouble = new QueueTrouble((error) => {
      if (error !== undefined) this.reportError(toError(error), 'reserve');
      // The queue can be asked again: an idle worker looks at once rather than at its next poll.
      if (this.lastLookEmpty) this.wake.poke();
    });
  }

  /** Takes jobs until stop(); resolves when the loop has left (jobs it started may still run). */
  async run(): Promise<void> {
    const stop = this.halt.signal;
    while (!stop.aborted) {
      if (this.slots.free < this.slots.reserveAt) {
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
        const look = this.startRound();
        this.idleLook = look;
        round = await look;
        this.idleLook = undefined;
        this.retryMs = 0;
      } catch (error) {
        this.idleLook = undefined;
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
        this.emitter.emit('drained', {});
      }
      await this.wake.wait(round.nextDueAt, stop);
    }
    this.wake.cancel();
  }

  /** Ends the loop (and any idle wait); jobs reserved from now on go straight back to their queue. */
  stop(): void {
    this.halt.abort();
    this.wake.cancel();
    this.releaseWaiting();
  }

  /** Settles once every round sent without waiting has answered. */
  sentRoundsSettled(): Promise<unknown> {
    return Promise.allSettled([...this.sentRounds]);
  }

  /** Settles once every reserve that answered after its round gave up on it has been dealt with. */
  lateReservesSettled(): Promise<void> {
    return this.trouble.lateSettled();
  }

  /** Settles once every part of a reserve reply waiting for its turn has been started or given back. */
  pendingStartsSettled(): Promise<unknown> {
    return Promise.allSettled([...this.pendingStarts]);
  }

  /** Releases every job still held (see JobRun.release) and waits for those writes and the give-backs of stop(). */
  releaseAll(graceMs: number): Promise<unknown> {
    const writes = [...this.runs].map((run) => run.release(graceMs));
    return Promise.all([...writes, ...this.strayReleases]);
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
    await sleep(clock, this.retryMs, this.halt.signal);
    return true;
  }

  /**
   * Starts each reserved job, or gives it straight back when close() began
   * while the reserve was in flight, jobs[from..] in turns of at most
   * startChunk. A large reply started all at once would keep Node busy
   * while Redis idles, and then Redis busy with the acks and the next
   * reserve while Node idles; starting the rest in the next turn lets the
   * first jobs' acks and the reserve for their slots go out first, so both
   * sides work at the same time. The later jobs keep their booked slots
   * while they wait; a close() in between releases them.
   */
  private startJobs(jobs: ReservedJob[], from = 0): void {
    // Once close() began, the rest are given back at once.
    const end = this.halt.signal.aborted ? jobs.length : Math.min(jobs.length, from + this.startChunk);
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
      if (this.halt.signal.aborted) {
        this.slots.unbook(1);
        this.releaseUnstarted(reserved.lease);
        continue;
      }
      this.slots.takeBooked();
      this.drainedSent = false;
      // The job holds its lease from here: the heartbeat renews it and a cancel finds it while it waits.
      const run = new JobRun(reserved, this.runDeps);
      this.runs.add(run);
      this.waiting.add(run);
      this.heartbeat.ensure();
    }
    this.startWaiting();
  }

  /** Starts waiting jobs, oldest first, while handler slots are free (see Slots and the prefetch option). */
  private startWaiting(): void {
    if (this.halt.signal.aborted) return;
    while (this.waiting.size > 0 && this.slots.startWaiting()) {
      const run = this.waiting.take() as JobRun;
      void this.runToEnd(run, run.lease);
    }
  }

  /**
   * Starts waiting jobs once the handlers that end in this wave have all
   * ended, so they start (and end, and ack) together, as the jobs of one
   * reserve reply do, rather than one ack call each.
   */
  private startWaitingSoon(): void {
    if (this.drainScheduled || this.waiting.size === 0) return;
    this.drainScheduled = true;
    void Promise.resolve()
      .then(() => undefined)
      .then(() => undefined)
      .then(() => {
        this.drainScheduled = false;
        this.startWaiting();
      });
  }

  /** close() began: jobs that wait for a slot go back to their queue now rather than after the grace period. */
  private releaseWaiting(): void {
    for (const run of this.waiting.takeAll()) {
      this.slots.dropWaiting();
      const release = run
        .release(0)
        .catch((error: unknown) => this.reportError(toError(error), 'release', run.lease))
        .finally(() => {
          this.runs.delete(run);
          this.strayReleases.delete(release);
          if (this.runs.size === 0) this.heartbeat.pause();
        });
      this.strayReleases.add(release);
    }
  }

  /**
   * Jobs of a reserve that answered after its round gave up on it: they run
   * in slots that are free now; the rest go straight back to their queue
   * (release: no attempt counted), as after close().
   */
  private startLateJobs(jobs: ReservedJob[]): void {
    const take = this.halt.signal.aborted ? 0 : Math.min(jobs.length, this.slots.free);
    this.slots.book(take);
    for (const job of jobs.slice(take)) this.releaseUnstarted(job.lease);
    if (take > 0) this.startJobs(jobs.slice(0, take));
  }

  /**
   * Jobs a driver handed over with a wake-up (see Wake): they run in free
   * slots as a late reserve's jobs do, and go straight back when none is
   * free or close() began.
   */
  takeHanded(jobs: ReservedJob[]): void {
    const look = this.idleLook;
    if (look === undefined || this.slots.free >= jobs.length) {
      this.startLateJobs(jobs);
      return;
    }
    // The idle look's reserve holds the free slots booked; when it comes back empty they are
    // free again, so the handed job waits for that answer rather than going back to its queue.
    void look.then(
      () => this.startLateJobs(jobs),
      () => this.startLateJobs(jobs),
    );
  }

  /** Runs the job, frees its slot when the handler settles, and lets go of it once its outcome is written. */
  private async runToEnd(run: JobRun, lease: Lease): Promise<void> {
    try {
      await run.run();
    } catch (error) {
      this.reportError(toError(error), 'run', lease);
    }
    this.slots.settle();
    this.startWaitingSoon();
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
}
