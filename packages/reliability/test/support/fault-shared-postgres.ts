/**
 * Per-file setup of the fault tests on the shared PostgreSQL: a schema of
 * the file's own, a pool for checks and for killing backends, a driver that
 * keeps every done job (the tests read each job's final record), and the
 * worker configuration. The workers connect with an `application_name` of
 * the file's own, so the test can find exactly their backends. Afterwards
 * every worker process is killed and the schema dropped.
 */
import { PostgresDriver } from '@taskharbor/driver-postgres';
import type pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { KEEP_DONE_JOBS, killAllWorkers } from './fault-harness.js';
import type { PgFaultWorkerConfig } from './fault-pg-worker.js';
import { databaseUrl, dropSchema, openPool, schemaFor, withApplicationName } from './postgres-env.js';

export interface SharedFaultPostgres {
  readonly schema: string;
  /** The `application_name` of every worker's connections (pool and listener). */
  readonly workerAppName: string;
  /** Set in beforeAll. */
  readonly pool: pg.Pool;
  readonly driver: PostgresDriver;
  /** A worker configuration on this file's schema, with the given settings. */
  workerConfig(settings: Partial<Omit<PgFaultWorkerConfig, 'connectionString' | 'schema'>>): PgFaultWorkerConfig;
}

/** Call inside a describe block: registers its beforeAll and afterAll. */
export function useSharedFaultPostgres(kind: string): SharedFaultPostgres {
  const schema = schemaFor(`fault_${kind}`);
  const workerAppName = `${schema}-wrk`;
  let pool: pg.Pool | undefined;
  let driver: PostgresDriver | undefined;

  beforeAll(async () => {
    pool = openPool();
    driver = await PostgresDriver.connect({ connectionString: databaseUrl(), schema, poolSize: 4, retention: KEEP_DONE_JOBS });
  });

  afterAll(async () => {
    await killAllWorkers();
    await driver?.close();
    if (pool !== undefined) {
      await dropSchema(pool, schema);
      await pool.end();
    }
  });

  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is set in beforeAll; use it inside a test`);
    return value;
  };
  return {
    schema,
    workerAppName,
    get pool() {
      return ready(pool, 'pool');
    },
    get driver() {
      return ready(driver, 'driver');
    },
    workerConfig(settings) {
      return {
        connectionString: withApplicationName(databaseUrl(), workerAppName),
        schema,
        queue: 'faults',
        leaseMs: 1000,
        concurrency: 4,
        poolSize: 4,
        workMinMs: 10,
        workMaxMs: 30,
        ...settings,
      };
    },
  };
}
