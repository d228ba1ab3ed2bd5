import { Client, type ClientOptions } from '@taskharbor/core';
import { MemoryDriver } from '@taskharbor/driver-memory';
import { FakeClock } from '@taskharbor/testkit';
import { Worker, type WorkerOptions } from '@taskharbor/worker';
import { afterEach } from 'vitest';

const HOUR = 60 * 60 * 1000;
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A memory driver with clients and workers on one fake clock, all closed after the test. */
export function setup() {
  const clock = new FakeClock();
  const driver = new MemoryDriver();
  const workers: Worker[] = [];
  cleanups.push(async () => {
    for (const worker of workers) await worker.close({ graceMs: 0 });
    await driver.close();
  });
  return {
    clock,
    driver,
    client(options: Omit<ClientOptions, 'clock'> = {}): Client {
      return new Client(driver, { clock, ...options });
    },
    /** A worker on the fake clock that never polls on its own (an hour) and takes no schedule look. */
    worker(options: WorkerOptions = {}): Worker {
      const worker = new Worker(driver, { clock, keepAlive: false, pollIntervalMs: HOUR, scheduleCheckMs: 0, ...options });
      workers.push(worker);
      return worker;
    },
    /** Lets promise work settle, without moving time, until the condition holds. */
    async until(condition: () => boolean, what: string): Promise<void> {
      for (let i = 0; i < 500; i++) {
        if (condition()) return;
        await clock.flush();
      }
      throw new Error(`${what} did not hold after settling pending work`);
    },
  };
}
