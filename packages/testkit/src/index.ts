export { DOCUMENTED_CODES, expectEmptyQueue, expectError, expectRejectedUnchanged, expectSameBytes } from './conformance/assertions.js';
export {
  deadJob,
  doneJob,
  enqueueAndReserve,
  enqueueJob,
  FIXTURE_TIME,
  failUpdate,
  forgedLease,
  LEASE_MS,
  newJob,
  patternBytes,
  refOf,
  reserveIds,
  retryUpdate,
  takenOver,
  WRONG_TOKEN,
} from './conformance/fixtures.js';
export { runConformance } from './conformance/run-conformance.js';
export type { ConformanceDriver, ConformanceOptions, Harness, Setup } from './conformance/setup.js';
export { uniqueQueue, useSetup } from './conformance/setup.js';
export { FakeClock } from './fake-clock.js';
