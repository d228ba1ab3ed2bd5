import { afterAll, describe } from 'vitest';
import { databaseUrl, dropSchema, postgresFlags, type RunningWorker, uniqueSchema } from './support/cli.js';
import { dlqScenario, heartbeatScenario, workerControlScenario } from './support/worker-scenarios.js';

// Each case runs the binary a dozen times and a worker process; give a busy machine room.
describe.skipIf(!databaseUrl)('taskharbor on PostgreSQL: worker run, the DLQ, cancel and pause from another process, heartbeats', { timeout: 120_000 }, () => {
  const schemas: string[] = [];
  const workers: RunningWorker[] = [];
  const track = (worker: RunningWorker) => {
    workers.push(worker);
    return worker;
  };
  /** Each case in a schema of its own, as each Redis case has a prefix of its own. */
  const flagsFor = (name: string) => {
    const schema = uniqueSchema(name);
    schemas.push(schema);
    const flags = postgresFlags(schema);
    return () => flags;
  };

  afterAll(async () => {
    for (const worker of workers) await worker.stop('SIGKILL');
    for (const schema of schemas) await dropSchema(schema);
  });

  dlqScenario(flagsFor('dlq'), track);
  workerControlScenario(flagsFor('control'), track);
  heartbeatScenario(flagsFor('heartbeat'), track);
});
