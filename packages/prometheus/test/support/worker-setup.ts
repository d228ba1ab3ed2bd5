import { Client, type Driver } from '@taskharbor/core';
import { FakeClock } from '@taskharbor/testkit';
import { Worker, type WorkerOptions } from '@taskharbor/worker';

const HOUR = 60 * 60 * 1000;

/** A client and workers on one driver and a fake clock; close() closes the workers (the driver is the caller's). */
export function workerSetup(driver: Driver, clock = new FakeClock()) {
  const client = new Client(driver, { clock });
  const workers: Worker[] = [];
  return {
    clock,
    client,
    /** A worker on the fake clock that never polls on its own (an hour) and takes no schedule look. */
    worker(options: WorkerOptions = {}): Worker {
      const worker = new Worker(driver, { clock, keepAlive: false, pollIntervalMs: HOUR, scheduleCheckMs: 0, ...options });
      workers.push(worker);
      return worker;
    },
    /** Lets promise work settle, without moving time, until the condition holds. */
    async until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
      for (let i = 0; i < 500; i++) {
        if (await condition()) return;
        await clock.flush();
      }
      throw new Error(`${what} did not hold after settling pending work`);
    },
    async close(): Promise<void> {
      for (const worker of workers.splice(0)) await worker.close({ graceMs: 0 });
    },
  };
}
