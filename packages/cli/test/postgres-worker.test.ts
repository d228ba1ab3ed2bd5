import { describe } from 'vitest';
import { databaseUrl } from './support/cli.js';
import { POSTGRES, useWorkerNamespaces } from './support/shared-stores.js';
import { dlqScenario, heartbeatScenario, workerControlScenario } from './support/worker-scenarios.js';

// Each case runs the binary a dozen times and a worker process; give a busy machine room.
describe.skipIf(!databaseUrl)('taskharbor on PostgreSQL: worker run, the DLQ, cancel and pause from another process, heartbeats', { timeout: 120_000 }, () => {
  // Each case in a schema of its own, as each Redis case has a prefix of its own.
  const { flagsFor, track } = useWorkerNamespaces(POSTGRES);
  dlqScenario(flagsFor('dlq'), track);
  workerControlScenario(flagsFor('control'), track);
  heartbeatScenario(flagsFor('heartbeat'), track);
});
