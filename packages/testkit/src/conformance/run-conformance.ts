import { describe } from 'vitest';
import { ackCases } from './ack.js';
import { adminCases } from './admin.js';
import { batchCases } from './batch.js';
import { e2eCases } from './e2e.js';
import { enqueueCases } from './enqueue.js';
import { errorsCases } from './errors.js';
import { extendLeaseCases } from './extend-lease.js';
import { failCases } from './fail.js';
import { familyCases } from './families.js';
import { flowControlGroupCases } from './flow-control-groups.js';
import { flowControlLimitCases } from './flow-control-limits.js';
import { flowControlOutcomeCases } from './flow-control-outcomes.js';
import { flowControlPriorityCases } from './flow-control-priority.js';
import { flowControlWakeCases } from './flow-control-wakes.js';
import { jobControlBulkCases } from './job-control-bulk.js';
import { jobControlCancelCases } from './job-control-cancel.js';
import { jobControlClosedCases } from './job-control-closed.js';
import { jobControlQueueCases } from './job-control-queue.js';
import { jobControlResultCases } from './job-control-results.js';
import { observabilityMetaCases } from './observability-meta.js';
import { observabilityMetricsCases } from './observability-metrics.js';
import { observabilityWorkerCases } from './observability-workers.js';
import { releaseCases } from './release.js';
import { reserveCases } from './reserve.js';
import { retryCases } from './retry.js';
import { scheduleAdminCases } from './schedules-admin.js';
import { scheduleAdvanceCases } from './schedules-advance.js';
import { scheduleStoreCases } from './schedules-store.js';
import { type ConformanceOptions, familiesToRun, useSetup } from './setup.js';
import { waitForWorkCases } from './wait-for-work.js';
import { handoffCases } from './handoff.js';

/**
 * Registers the conformance suite for a driver: one describe block per
 * operation, each case named after the rule of docs/driver-contract.md it
 * checks, and the cases of every family of operations the driver declares
 * (`driver.families`, read from one driver made for that purpose). A
 * family the driver does not declare is reported on the console and in a
 * case named after it, never silently left out. Call it at the top level of
 * a vitest file.
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
  describe(options.name, async () => {
    const families = await familiesToRun(options);
    const setup = useSetup(options);
    enqueueCases(setup);
    reserveCases(setup);
    extendLeaseCases(setup);
    ackCases(setup);
    retryCases(setup);
    failCases(setup);
    releaseCases(setup);
    waitForWorkCases(setup);
    handoffCases(setup);
    batchCases(setup);
    errorsCases(setup);
    adminCases(setup);
    e2eCases(setup);
    familyCases(setup, options.name, families);
    if (families.includes('jobControl')) {
      jobControlCancelCases(setup);
      jobControlQueueCases(setup);
      jobControlBulkCases(setup);
      jobControlResultCases(setup);
      jobControlClosedCases(setup);
    }
    if (families.includes('schedules')) {
      scheduleStoreCases(setup);
      scheduleAdvanceCases(setup);
      scheduleAdminCases(setup);
    }
    if (families.includes('flowControl')) {
      flowControlPriorityCases(setup);
      flowControlGroupCases(setup, { jobControl: families.includes('jobControl') });
      flowControlLimitCases(setup);
      flowControlWakeCases(setup);
      flowControlOutcomeCases(setup, { jobControl: families.includes('jobControl') });
    }
    if (families.includes('observability')) {
      const also = { jobControl: families.includes('jobControl'), flowControl: families.includes('flowControl') };
      observabilityMetaCases(setup, also);
      observabilityWorkerCases(setup);
      observabilityMetricsCases(setup, also);
    }
  });
}
