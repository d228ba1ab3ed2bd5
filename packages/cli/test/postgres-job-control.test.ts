import { describe } from 'vitest';
import { databaseUrl } from './support/cli.js';
import { jobControlScenarios } from './support/job-control-scenarios.js';
import { POSTGRES, useCliStore } from './support/shared-stores.js';

// Each case runs the binary a dozen times or more; give a busy machine room.
describe.skipIf(!databaseUrl)('job control through the built binary on PostgreSQL', { timeout: 120_000 }, () => {
  jobControlScenarios(useCliStore(POSTGRES, 'control'));
});
