import { type Clock, type Driver, ErrorCode, isTaskHarborError, type ReservedJob } from '@taskharbor/core';
import { startTimer } from './timers.js';

export interface WakeInput {
  driver: Driver;
  clock: Clock;
  queues: readonly string[];
  pollIntervalMs: number;
  /** The lease a job handed over with a wake-up is taken under. */
  leaseMs: number;
  /** Jobs a driver handed over with a wake-up, already leased to this worker: they must run or go back. */
  onHandoff: (jobs: ReservedJob[]) => void;
  onError: (error: unknown) => void;
}

/**
 * The reason a wait's signal is aborted with. Made once: abort() without a
 * reason builds a new DOMException, stack trace and all, on every wake-up.
 */
const WAIT_ENDED = Object.freeze(new Error('the wait ended'));

/** After waitForWork fails (a dropped connection), look again this soon rather than at once or only at the poll. */
const WAIT_ERROR_RETRY_MS = 1_000;

/**
 * The idle wait. An idle worker sleeps until the first of:
 * - the driver's waitForWork resolves (an enqueue, release or retry);
 * - the next due time the last reserve reported (a runAt or a lease expiry);
 * - a due time the worker learned itself since (a retry it scheduled);
 * - the fallback poll interval, for drivers whose wake-ups can be missed;
 * - the stop signal.
 * All the timers are one clock timer at the earliest of those times.
 *
 * waitForWork is armed *before* the reserve that finds the queues empty, so
 * an enqueue landing between that reserve and the wait still wakes it.
 *
 * The wait asks the driver to hand over a job with the wake-up (handoff):
 * a driver that can leases the job to this worker in the enqueue itself,
 * which saves the reserve that would follow the wake-up. Such jobs go to
 * onHandoff whenever they come, even after the wait was cancelled.
 */
export class Wake {
  private readonly input: WakeInput;
  private controller: AbortController | undefined;
  private work: Promise<'work' | 'error'> | undefined;
  /** The driver's wait is out and has not settled. */
  private listening = false;
  /** The earliest due time learned outside a reserve, for the next wait. */
  private learnedDueAt: number | undefined;
  /** Moves the running wait's timer earlier; unset when not waiting. */
  private pullIn: ((at: number) => void) | undefined;
  /** Ends the running wait; unset when not waiting. */
  private endWait: (() => void) | undefined;

  constructor(input: WakeInput) {
    this.input = input;
  }

  /**
   * Starts listening for work; call before reserving. A wait still out from
   * the last look (it ended by a timer or a poke, not by work) is kept
   * rather than ended and made again: on Redis that saves withdrawing and
   * putting up the handoff offer around every poll.
   */
  arm(): void {
    if (this.controller !== undefined && this.listening) return;
    this.cancel();
    const controller = new AbortController();
    this.controller = controller;
    const { driver, queues } = this.input;
    let waiting: ReturnType<Driver['waitForWork']>;
    try {
      // Called synchronously, so the driver registers the waiter before the reserve that follows runs.
      waiting = driver.waitForWork({ queues, signal: controller.signal, handoff: { leaseMs: this.input.leaseMs } });
    } catch (error) {
      waiting = Promise.reject(error);
    }
    this.listening = true;
    this.work = waiting.then(
      (result) => {
        if (this.controller === controller) this.listening = false;
        const jobs = result?.jobs;
        if (jobs !== undefined && jobs.length > 0) this.input.onHandoff(jobs);
        return 'work' as const;
      },
        (error: unknown) => {
          if (this.controller === controller) this.listening = false;
          // A closed driver is reported once, by the reserve that follows.
          const closed = isTaskHarborError(error, ErrorCode.DriverClosed);
          if (!controller.signal.aborted && !closed) this.input.onError(error);
          return 'error' as const;
        },
      );
  }

  /** Stops listening (the reserve found work, or the worker stops). */
  cancel(): void {
    this.controller?.abort(WAIT_ENDED);
    this.controller = undefined;
    this.work = undefined;
    this.listening = false;
  }

  /**
   * Records a time at which something becomes due that no reserve has
   * reported yet, such as a retry this worker scheduled. A running wait
   * wakes then; otherwise the next wait does.
   */
  noteDue(at: number): void {
    if (this.pullIn !== undefined) this.pullIn(at);
    else if (this.learnedDueAt === undefined || at < this.learnedDueAt) this.learnedDueAt = at;
  }

  /** Ends a running wait at once, so the worker looks at its queues again. */
  poke(): void {
    this.endWait?.();
  }

  /** Sleeps until work may be there (see the class comment). Call after arm(). */
  wait(nextDueAt: number | undefined, stop: AbortSignal): Promise<void> {
    const { clock, pollIntervalMs } = this.input;
    const work = this.work;
    let target = clock.now() + pollIntervalMs;
    if (nextDueAt !== undefined) target = Math.min(target, nextDueAt);
    if (this.learnedDueAt !== undefined) target = Math.min(target, this.learnedDueAt);
    this.learnedDueAt = undefined;

    return new Promise<void>((resolve) => {
      let cancelTimer: (() => void) | undefined;
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        cancelTimer?.();
        stop.removeEventListener('abort', finish);
        this.pullIn = undefined;
        this.endWait = undefined;
        // A driver wait that has not settled stays out for the next look's arm() (stop() cancels it).
        if (!this.listening) this.cancel();
        resolve();
      };
      const schedule = (at: number) => {
        cancelTimer?.();
        target = at;
        cancelTimer = startTimer(clock, at - clock.now(), finish);
      };
      this.pullIn = (at) => {
        if (at < target) schedule(at);
      };
      this.endWait = finish;
      schedule(target);
      stop.addEventListener('abort', finish, { once: true });
      if (stop.aborted) finish();
      work?.then((outcome) => {
        if (done) return;
        if (outcome === 'work') finish();
        else schedule(Math.min(target, clock.now() + Math.min(WAIT_ERROR_RETRY_MS, pollIntervalMs)));
      });
    });
  }
}
