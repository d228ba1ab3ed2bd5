/** Flow-control limits across four worker processes on PostgreSQL (support/flow-cases.ts says how). */
import { beforeAll, describe } from 'vitest';
import { FaultWorker } from '../support/fault-harness.js';
import { useSharedFaultPostgres } from '../support/fault-shared-postgres.js';
import { flowLimitCases } from '../support/flow-cases.js';
import { SKIP_POSTGRES } from '../support/postgres-env.js';

const PROBE_TABLE = 'flow_probe';

describe.skipIf(SKIP_POSTGRES)('flow-control limits across worker processes (PostgreSQL)', () => {
  const shared = useSharedFaultPostgres('flow');

  beforeAll(async () => {
    // The driver made the schema; the probe's table and sequence live beside its tables and go with it.
    const table = `"${shared.schema}"."${PROBE_TABLE}"`;
    await shared.pool.query(`CREATE TABLE ${table} (grp text PRIMARY KEY, n integer NOT NULL)`);
    await shared.pool.query(`CREATE SEQUENCE "${shared.schema}"."${PROBE_TABLE}_seq"`);
  });

  flowLimitCases({
    name: 'postgres',
    processes: 4,
    driver: () => shared.driver,
    startWorkers(queue, count, concurrency) {
      const config = shared.workerConfig({ queue, leaseMs: 30_000, concurrency, poolSize: 4, flowProbeTable: PROBE_TABLE });
      return Array.from({ length: count }, () => new FaultWorker(config));
    },
  });
});
