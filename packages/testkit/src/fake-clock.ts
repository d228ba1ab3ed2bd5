import type { Clock, TimerHandle } from '@taskharbor/core';

interface FakeTimer {
  id: number;
  at: number;
  callback: () => void;
}

/** Lets promise callbacks and other macrotask-free work settle. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * A Clock that moves only when told to. Timers fire in time order while
 * `advance` moves the time past them, with pending promise work settled
 * after each, so code that awaits between timers behaves as on a real clock.
 *
 * @example
 * const clock = new FakeClock(Date.UTC(2030, 0, 1));
 * const worker = new Worker(driver, { clock });
 * await clock.advance(30_000); // heartbeats and timeouts fire on the way
 */
export class FakeClock implements Clock {
  private current: number;
  private timers: FakeTimer[] = [];
  private nextId = 1;

  constructor(start = Date.UTC(2030, 0, 1, 0, 0, 0)) {
    this.current = Math.floor(start);
  }

  now(): number {
    return this.current;
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    // Like Node, a delay that is not a positive finite number fires at once rather than never.
    const delay = Number.isFinite(ms) && ms > 0 ? Math.floor(ms) : 0;
    const timer: FakeTimer = { id: this.nextId++, at: this.current + delay, callback };
    this.timers.push(timer);
    return { id: timer.id };
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers = this.timers.filter((timer) => timer.id !== handle.id);
  }

  /** How many timers are waiting to fire. */
  pendingTimers(): number {
    return this.timers.length;
  }

  /** The time of the earliest waiting timer, if any. */
  nextTimerAt(): number | undefined {
    let earliest: number | undefined;
    for (const timer of this.timers) if (earliest === undefined || timer.at < earliest) earliest = timer.at;
    return earliest;
  }

  /** Moves time forward by `ms`, firing every timer due on the way, in order. */
  async advance(ms: number): Promise<void> {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`advance takes a non-negative finite ms, got ${ms}`);
    await this.advanceTo(this.current + Math.floor(ms));
  }

  /** Moves time forward to `target`, firing every timer due on the way, in order. */
  async advanceTo(target: number): Promise<void> {
    await settle();
    for (;;) {
      const due = this.takeEarliestDue(target);
      if (due === undefined) break;
      this.current = Math.max(this.current, due.at);
      due.callback();
      await settle();
    }
    this.current = Math.max(this.current, target);
    await settle();
  }

  /** Sets the time without firing timers; only for setting up a case, never backwards past a timer. */
  set(time: number): void {
    this.current = Math.floor(time);
  }

  /** Lets pending promise work settle without moving time. */
  async flush(): Promise<void> {
    await settle();
  }

  private takeEarliestDue(target: number): FakeTimer | undefined {
    let index = -1;
    for (let i = 0; i < this.timers.length; i++) {
      const timer = this.timers[i] as FakeTimer;
      if (timer.at > target) continue;
      if (index === -1 || timer.at < (this.timers[index] as FakeTimer).at) index = i;
    }
    if (index === -1) return undefined;
    const [timer] = this.timers.splice(index, 1);
    return timer;
  }
}
