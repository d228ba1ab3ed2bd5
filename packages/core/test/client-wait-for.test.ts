import { describe, expect, it } from 'vitest';
import {
  Client,
  type Driver,
  hasJobControl,
  type JobControl,
  type JobRecord,
  requireJobControl,
  UnsupportedOperationError,
  ValidationError,
  WaitTimeoutError,
} from '../src/index.js';

/** A driver with no methods: every call is a test failure. */
const bare = new Proxy({} as Driver, {
  get(_target, property) {
    if (property === 'families' || property === 'then') return undefined;
    return () => {
      throw new Error(`driver.${String(property)} should not have been called`);
    };
  },
});

/** A clock whose timers fire only when the test says so. */
function manualClock() {
  const timers = new Map<number, () => void>();
  let next = 0;
  return {
    now: () => 0,
    setTimeout: (callback: () => void) => {
      next++;
      timers.set(next, callback);
      return { id: next };
    },
    clearTimeout: (handle: { id: unknown }) => {
      timers.delete(handle.id as number);
    },
    fireAll: () => {
      for (const callback of [...timers.values()]) callback();
    },
    pending: () => timers.size,
  };
}

/** A job-control driver whose waitForFinish never settles until its signal aborts. */
function waitingDriver(): Driver & Pick<JobControl, 'waitForFinish'> & { families: readonly ['jobControl']; aborted: unknown[] } {
  const aborted: unknown[] = [];
  const driver = {
    families: ['jobControl'] as const,
    aborted,
    waitForFinish: (_ref: unknown, signal: AbortSignal) =>
      new Promise<JobRecord>((_resolve, reject) => {
        signal.addEventListener('abort', () => {
          aborted.push(signal.reason);
          reject(signal.reason);
        });
      }),
  };
  return driver as unknown as ReturnType<typeof waitingDriver>;
}

describe('client.waitFor', () => {
  it('a_driver_without_job_control_is_unsupported', async () => {
    const client = new Client(bare);
    const error = await client.waitFor({ queue: 'q', id: 'a' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedOperationError);
    expect((error as UnsupportedOperationError).operation).toBe('waitFor');
    expect(hasJobControl(bare)).toBe(false);
    expect(() => requireJobControl(bare, 'cancel')).toThrow(UnsupportedOperationError);
  });

  it('times_out_on_the_client_clock_and_ends_the_driver_wait', async () => {
    const clock = manualClock();
    const driver = waitingDriver();
    const client = new Client(driver, { clock });
    const waiting = client.waitFor({ queue: 'q', id: 'a' }, { timeoutMs: 1000 }).catch((e: unknown) => e);
    clock.fireAll();
    const error = await waiting;
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect(driver.aborted).toHaveLength(1);
    expect(clock.pending()).toBe(0);
  });

  it('rejects_with_the_reason_when_the_signal_aborts_and_clears_its_timer', async () => {
    const clock = manualClock();
    const client = new Client(waitingDriver(), { clock });
    const controller = new AbortController();
    const waiting = client.waitFor({ queue: 'q', id: 'a' }, { timeoutMs: 1000, signal: controller.signal }).catch((e: unknown) => e);
    const reason = new Error('navigated away');
    controller.abort(reason);
    expect(await waiting).toBe(reason);
    expect(clock.pending()).toBe(0);
  });

  it('rejects_bad_input_before_the_driver_is_reached', async () => {
    const client = new Client(waitingDriver(), { clock: manualClock() });
    for (const call of [
      () => client.waitFor({ queue: '', id: 'a' }),
      () => client.waitFor({ queue: 'q', id: 'a' }, { timeoutMs: 0 }),
      () => client.waitFor({ queue: 'q', id: 'a' }, { timeoutMs: 1.5 }),
    ]) {
      await expect(call()).rejects.toBeInstanceOf(ValidationError);
    }
  });
});
