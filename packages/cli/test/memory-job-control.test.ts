import { requireJobControl } from '@taskharbor/core';
import { beforeEach, describe } from 'vitest';
import { harness } from './support/harness.js';
import { type ControlStore, jobControlScenarios } from './support/job-control-scenarios.js';

describe('job control through main() on the memory driver', () => {
  let store: ControlStore;
  beforeEach(() => {
    const h = harness();
    store = { run: h.run, client: h.client, driver: requireJobControl(h.driver, 'run the job-control scenarios') };
  });
  jobControlScenarios(() => store);
});
