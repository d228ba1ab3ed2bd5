import { sleep } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../src/fake-clock.js';

describe('FakeClock', () => {
  it('starts at the given time and moves only when told', async () => {
    const clock = new FakeClock(1000);
    expect(clock.now()).toBe(1000);
    await clock.flush();
    expect(clock.now()).toBe(1000);
    await clock.advance(250);
    expect(clock.now()).toBe(1250);
  });

  it('fires due timers in time order, each at its own time', async () => {
    const clock = new FakeClock(0);
    const fired: [string, number][] = [];
    clock.setTimeout(() => fired.push(['late', clock.now()]), 300);
    clock.setTimeout(() => fired.push(['early', clock.now()]), 100);
    clock.setTimeout(() => fired.push(['never', clock.now()]), 1000);
    await clock.advance(500);
    expect(fired).toEqual([
      ['early', 100],
      ['late', 300],
    ]);
    expect(clock.pendingTimers()).toBe(1);
    expect(clock.nextTimerAt()).toBe(1000);
  });

  it('fires timers set by a timer callback when they fall due within the same advance', async () => {
    const clock = new FakeClock(0);
    const fired: number[] = [];
    clock.setTimeout(() => {
      fired.push(clock.now());
      clock.setTimeout(() => fired.push(clock.now()), 50);
    }, 100);
    await clock.advance(200);
    expect(fired).toEqual([100, 150]);
  });

  it('lets awaited work between timers settle, like a real clock', async () => {
    const clock = new FakeClock(0);
    const woke: number[] = [];
    const loop = (async () => {
      for (let i = 0; i < 3; i++) {
        await sleep(clock, 100);
        woke.push(clock.now());
      }
    })();
    await clock.advance(1000);
    await loop;
    expect(woke).toEqual([100, 200, 300]);
  });

  it('does not fire a cleared timer', async () => {
    const clock = new FakeClock(0);
    let fired = false;
    const handle = clock.setTimeout(() => {
      fired = true;
    }, 10);
    clock.clearTimeout(handle);
    await clock.advance(100);
    expect(fired).toBe(false);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('fires a timer with a non-finite or negative delay at once', async () => {
    const clock = new FakeClock(0);
    const fired: number[] = [];
    clock.setTimeout(() => fired.push(1), Number.NaN);
    clock.setTimeout(() => fired.push(2), -5);
    await clock.advance(0);
    expect(fired).toEqual([1, 2]);
  });

  it('rejects a negative or non-finite advance', async () => {
    const clock = new FakeClock(0);
    await expect(clock.advance(-1)).rejects.toThrow(RangeError);
    await expect(clock.advance(Number.POSITIVE_INFINITY)).rejects.toThrow(RangeError);
  });

  it('resolves sleep early when its signal aborts', async () => {
    const clock = new FakeClock(0);
    const controller = new AbortController();
    const slept = sleep(clock, 10_000, controller.signal);
    controller.abort();
    await slept;
    expect(clock.now()).toBe(0);
    expect(clock.pendingTimers()).toBe(0);
  });
});
