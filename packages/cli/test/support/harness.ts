import { Client } from '@taskharbor/core';
import { MemoryDriver } from '@taskharbor/driver-memory';
import type { AdminDriver } from '../../src/driver-from-flags.js';
import type { CliIo } from '../../src/io.js';
import { main } from '../../src/main.js';

export interface HarnessRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs main() in this process with the driver an app hands over, capturing what it writes. */
export function runWith(driver: AdminDriver): (...argv: string[]) => Promise<HarnessRun> {
  return async (...argv: string[]) => {
    let stdout = '';
    let stderr = '';
    const io: CliIo = {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      env: {},
      cwd: process.cwd(),
      onSignal: () => () => undefined,
      exit: (code) => {
        throw new Error(`exit ${code}`);
      },
    };
    const code = await main(argv, io, { driver });
    return { code, stdout, stderr };
  };
}

/** main() embedded in an app that hands over its own in-process driver. */
export function harness() {
  const driver = new MemoryDriver();
  return { driver, client: new Client(driver), run: runWith(driver) };
}

/**
 * The same store offered through Driver and Admin only, declaring no
 * families: what a third-party driver without job control looks like.
 */
export function withoutJobControl(driver: AdminDriver): AdminDriver {
  return {
    enqueue: (job, now) => driver.enqueue(job, now),
    enqueueMany: (jobs, now) => driver.enqueueMany(jobs, now),
    reserve: (request) => driver.reserve(request),
    extendLease: (lease, leaseMs, now) => driver.extendLease(lease, leaseMs, now),
    ack: (lease, now, options) => driver.ack(lease, now, options),
    retry: (lease, update, now) => driver.retry(lease, update, now),
    fail: (lease, update, now) => driver.fail(lease, update, now),
    release: (lease, now) => driver.release(lease, now),
    waitForWork: (request) => driver.waitForWork(request),
    close: () => driver.close(),
    inspect: (ref) => driver.inspect(ref),
    list: (request) => driver.list(request),
    requeueDlq: (ref, options) => driver.requeueDlq(ref, options),
    // Without job control there is no paused flag to report.
    counts: async (queue) => {
      const { paused: _paused, ...counts } = await driver.counts(queue);
      return counts;
    },
    queues: () => driver.queues(),
  };
}
