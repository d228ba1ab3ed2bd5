import { describe } from 'vitest';
import { ackCases } from './ack.js';
import { adminCases } from './admin.js';
import { batchCases } from './batch.js';
import { e2eCases } from './e2e.js';
import { enqueueCases } from './enqueue.js';
import { errorsCases } from './errors.js';
import { extendLeaseCases } from './extend-lease.js';
import { failCases } from './fail.js';
import { releaseCases } from './release.js';
import { reserveCases } from './reserve.js';
import { retryCases } from './retry.js';
import { type ConformanceOptions, useSetup } from './setup.js';
import { waitForWorkCases } from './wait-for-work.js';

/**
 * Registers the conformance suite for a driver: one describe block per
 * operation, each case named after the rule of docs/driver-contract.md it
 * checks. Call it at the top level of a vitest file.
 *
 * @example
 * import { MemoryDriver } from '@taskharbor/driver-memory';
 * import { runConformance } from '@taskharbor/testkit';
 *
 * runConformance({
 *   name: 'MemoryDriver',
 *   createDriver: ({ retention }) => new MemoryDriver({ retention }),
 * });
 */
export function runConformance(options: ConformanceOptions): void {
  if (typeof options?.name !== 'string' || options.name === '') {
    throw new TypeError('runConformance: give a non-empty name');
  }
  if (typeof options.createDriver !== 'function') {
    throw new TypeError('runConformance: give createDriver, a function that returns a fresh driver');
  }
  describe(options.name, () => {
    const setup = useSetup(options);
    enqueueCases(setup);
    reserveCases(setup);
    extendLeaseCases(setup);
    ackCases(setup);
    retryCases(setup);
    failCases(setup);
    releaseCases(setup);
    waitForWorkCases(setup);
    batchCases(setup);
    errorsCases(setup);
    adminCases(setup);
    e2eCases(setup);
  });
}
