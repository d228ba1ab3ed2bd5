/**
 * A worker process on the PostgreSQL driver for the fault tests. The parent
 * starts it with `node --import tsx fault-pg-worker.ts` and the
 * configuration as JSON in FAULT_CONFIG, kills it, and reads its stdout.
 *
 * The start log is stdout itself: every handler first writes a `start`
 * event `{ id, pid, token, attempt, reclaims, at }`, then works. A write to
 * a pipe is synchronous on Linux, so a start written before a SIGKILL still
 * reaches the parent, and the log needs no connection that a server restart
 * or `pg_terminate_backend` could cut. Outcomes are read from the job records.
 */
import { RetryPolicy } from '@taskharbor/core';
import { PostgresDriver } from '@taskharbor/driver-postgres';
import { Worker } from '@taskharbor/worker';
import pg from 'pg';
import {
  closeOnSigterm,
  type FaultHandlerSettings,
  out,
  type RecordStart,
  registerFaultHandlers,
  registerFlowHandler,
  reportWorkerEvents,
  runWorkerProcess,
} from './fault-handlers.js';
import type { FlowProbe } from './flow-probe.js';

export interface PgFaultWorkerConfig extends FaultHandlerSettings {
  /** The database URL, with the `application_name` the test finds this worker's backends by. */
  connectionString: string;
  schema: string;
  queue: string;
  leaseMs: number;
  concurrency: number;
  /** The driver's pool size (its listening connection comes on top). */
  poolSize: number;
  maxReclaims?: number;
  /** The worker's pollIntervalMs (default 500); long, so only a notice can wake an idle worker. */
  pollIntervalMs?: number;
  /** Set: `flow` jobs count themselves in this table (and number their starts with `<table>_seq`), in the worker's schema. */
  flowProbeTable?: string;
}

/** The flow probe in PostgreSQL: a row per group counting its jobs in flight, and a sequence numbering starts. */
function postgresFlowProbe(pool: pg.Pool, table: string): FlowProbe {
  const sequence = `${table.slice(0, -1)}_seq"`;
  return {
    async enter(group) {
      const { rows } = await pool.query<{ n: number; seq: string }>(
        `INSERT INTO ${table} (grp, n) VALUES ($1, 1) ON CONFLICT (grp) DO UPDATE SET n = ${table}.n + 1 RETURNING n, nextval('${sequence}') AS seq`,
        [group],
      );
      const row = rows[0];
      if (row === undefined) throw new Error('the flow probe returned no row');
      return { inflight: row.n, seq: Number(row.seq) };
    },
    async leave(group) {
      await pool.query(`UPDATE ${table} SET n = n - 1 WHERE grp = $1`, [group]);
    },
  };
}

async function main(): Promise<void> {
  const raw = process.env.FAULT_CONFIG;
  if (raw === undefined) throw new Error('FAULT_CONFIG is not set');
  const config = JSON.parse(raw) as PgFaultWorkerConfig;

  const driver = await PostgresDriver.connect({
    connectionString: config.connectionString,
    schema: config.schema,
    poolSize: config.poolSize,
    retention: { maxDoneCount: 1_000_000_000, maxDoneAgeMs: 1_000_000_000_000 },
  });
  const worker = new Worker(driver, {
    queues: [config.queue],
    concurrency: config.concurrency,
    leaseMs: config.leaseMs,
    pollIntervalMs: config.pollIntervalMs ?? 500,
    retryPolicy: RetryPolicy.fixed(0),
    maxReclaims: config.maxReclaims ?? 1000,
  });

  const recordStart: RecordStart = async (job, token) => {
    out({ event: 'start', id: job.id, token, attempt: job.attempt, reclaims: job.reclaims });
  };
  registerFaultHandlers(worker, config, recordStart);
  const probePool = config.flowProbeTable === undefined ? undefined : new pg.Pool({ connectionString: config.connectionString, max: 2 });
  if (probePool !== undefined && config.flowProbeTable !== undefined) {
    registerFlowHandler(worker, postgresFlowProbe(probePool, `"${config.schema}"."${config.flowProbeTable}"`), config.leaseMs);
  }
  reportWorkerEvents(worker);
  closeOnSigterm(worker, async () => {
    await driver.close();
    await probePool?.end();
  });

  await worker.start();
  out({ event: 'ready' });
}

runWorkerProcess(main);
