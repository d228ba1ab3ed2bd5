import { afterEach, describe, expect, it, vi } from 'vitest';
import { sleep, systemClock } from '../src/index.js';

describe('systemClock', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('a_timer_longer_than_node_allows_is_chained_not_fired_early', () => {
    vi.useFakeTimers();
    const fired = vi.fn();
    const longest = 2 ** 31 - 1;
    systemClock.setTimeout(fired, longest + 5000);
    vi.advanceTimersByTime(longest);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(5000);
    expect(fired).toHaveBeenCalledTimes(1);
  });

  it('clear_timeout_cancels_a_chained_timer_after_its_first_step', () => {
    vi.useFakeTimers();
    const fired = vi.fn();
    const handle = systemClock.setTimeout(fired, 2 ** 31 + 1000);
    vi.advanceTimersByTime(2 ** 31 - 1);
    systemClock.clearTimeout(handle);
    vi.advanceTimersByTime(10_000);
    expect(fired).not.toHaveBeenCalled();
  });

  it('sleep_resolves_at_once_when_aborted', async () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    const done = sleep(systemClock, 60_000, controller.signal);
    controller.abort();
    await expect(done).resolves.toBeUndefined();
  });
});
