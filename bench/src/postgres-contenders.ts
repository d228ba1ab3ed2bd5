import { EventEmitter } from 'node:events';
import { Client } from '@taskharbor/core';
import { PostgresDriver } from '@taskharbor/driver-postgres';
import { Queue as BullQueue, Worker as BullWorker, createPostgresBackend } from 'bullmq';
import { Logger, run as runGraphileWorker, runMigrations as migrateGraphileWorker, type Runner, type WorkerUtils, makeWorkerUtils } from 'graphile-worker';
import PgBoss from 'pg-boss';
import pg from 'pg';
import { type ContenderKind, type JobData, QUEUE, retentionFor, TYPE, taskHarborContender } from './contenders.js';

/**
 * The contenders on PostgreSQL: TaskHarbor's Postgres driver, graphile-worker,
 * pg-boss and BullMQ's PostgreSQL backend. Each queue gets a schema of its
 * own, made by the library's own migrations and dropped when the queue is
 * done, so no run sees another's rows. Pools are 20 connections per
 * contender (BullMQ: 10 for the Queue and 10 for the Worker), which keeps the
 * run well inside a shared server's max_connections.
 */

/** Connections per contender; the LISTEN connection each library opens comes on top. */
const POOL_SIZE = 20;
/** pg-boss 10 polls: at most 2 fetches a second (its minimum `pollingIntervalSeconds`, 0.5). */
const PG_BOSS_POLL_SECONDS = 0.5;

/** A lower-case identifier of at most 50 characters, usable as a schema by every library here. */
export function schemaFor(prefix: string): string {
  return prefix.toLowerCase().replace(/[^a-z0-9_]/g, '_').slice(-50).replace(/^[0-9]/, '_');
}

export async function dropSchema(connectionString: string, schema: string): Promise<void> {
  const admin = new pg.Client({ connectionString });
  await admin.connect();
  try {
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await admin.end();
  }
}

/** Polls (every 2 ms) until `done` says so: for libraries whose completion event comes before their write commits. */
async function until(what: string, done: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await done())) {
    if (performance.now() > deadline) throw new Error(`${what} not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** Opens `size` connections of the pool and gives them back, so a worker started later finds them open. */
async function warm(pool: pg.Pool, size: number): Promise<void> {
  const clients = await Promise.all(Array.from({ length: size }, () => pool.connect()));
  for (const client of clients) client.release();
}

function taskHarborPostgres(connectionString: string): ContenderKind {
  return {
    name: 'taskharbor-postgres',
    redis: false,
    group: 'postgres',
    create: async (options, prefix) => {
      const schema = schemaFor(prefix);
      const driver = await PostgresDriver.connect({ connectionString, schema, retention: retentionFor(options), poolSize: POOL_SIZE });
      const base = taskHarborContender(driver, new Client(driver));
      return {
        ...base,
        close: async () => {
          await base.close();
          await driver.close();
          await dropSchema(connectionString, schema);
        },
      };
    },
  };
}

/**
 * graphile-worker with the settings its performance page runs with: the
 * local queue (jobs fetched and locked in batches; size 500 as there) and
 * batched completions (`completeJobBatchDelay: 0`, `failJobBatchDelay: 0`).
 * It deletes a job when it completes, so it runs only where done jobs are
 * removed. Its `job:complete` event comes before the batched completion is
 * written, so the processing clock stops when the jobs table is empty.
 */
function graphileWorker(connectionString: string): ContenderKind {
  return {
    name: 'graphile-worker',
    redis: false,
    group: 'postgres',
    keepsDone: false,
    create: async (_options, prefix) => {
      const schema = schemaFor(prefix);
      const pool = new pg.Pool({ connectionString, max: POOL_SIZE });
      // The handlers graphile-worker asks an app's own pool to have (it warns without them).
      pool.on('error', () => undefined);
      pool.on('connect', (client) => client.on('error', () => undefined));
      const logger = new Logger(() => (level, message) => {
        if (level === 'error') process.stderr.write(`graphile-worker: ${message}\n`);
      });
      await migrateGraphileWorker({ pgPool: pool, schema, logger });
      const utils: WorkerUtils = await makeWorkerUtils({ pgPool: pool, schema, logger });
      let runner: Runner | undefined;
      let start: (() => void) | undefined;
      const stop = async () => {
        start = undefined;
        await runner?.stop();
        runner = undefined;
      };
      return {
        enqueueOne: async (data) => {
          await utils.addJob(TYPE, data);
        },
        enqueueBulk: async (data) => {
          await utils.addJobs(data.map((payload) => ({ identifier: TYPE, payload })));
        },
        prepareWorker: async (concurrency, onStart, onDone) => {
          await warm(pool, POOL_SIZE);
          const events = new EventEmitter();
          events.on('job:complete', () => onDone());
          start = () => {
            void runGraphileWorker({
              pgPool: pool,
              schema,
              logger,
              events,
              concurrency,
              noHandleSignals: true,
              taskList: {
                [TYPE]: async (payload) => {
                  onStart(payload as JobData);
                },
              },
              preset: { worker: { localQueue: { size: 500 }, completeJobBatchDelay: 0, failJobBatchDelay: 0 } },
            }).then((started) => {
              runner = started;
            });
          };
        },
        startWorker: () => start?.(),
        settled: () =>
          until('graphile-worker: every completion written', async () => {
            const { rows } = await pool.query(`SELECT count(*)::int AS n FROM "${schema}"._private_jobs`);
            return rows[0].n === 0;
          }),
        stopWorker: async () => {
          // run() may still be starting when a short run asks it to stop.
          await until('graphile-worker: runner started', async () => runner !== undefined || start === undefined, 10_000);
          await stop();
        },
        close: async () => {
          await stop();
          await utils.release();
          await pool.end();
          await dropSchema(connectionString, schema);
        },
      };
    },
  };
}

/**
 * pg-boss 10 (the newest release whose engines admit Node 20) with batch
 * fetch: one `work()` with `batchSize` equal to the concurrency, its handler
 * running the batch's jobs at once, polling at its minimum interval of
 * 0.5 s. A worker that found jobs still waits out the rest of its interval
 * before fetching again, so a batch of N jobs every 0.5 s is its ceiling.
 * Completed jobs stay in its job table until its maintenance archives them,
 * so it runs only where done jobs are kept; its completion is sent without
 * being awaited, so the clock stops when no job of the queue is left
 * before `completed`.
 */
function pgBoss(connectionString: string): ContenderKind {
  return {
    name: 'pg-boss',
    redis: false,
    group: 'postgres',
    removesDone: false,
    // Polling caps its rate at about 2 batches a second: fewer jobs keep a run near ten seconds.
    processJobs: (concurrency, n, quick) => Math.min(n, concurrency * (quick ? 3 : 20)),
    latencyJobs: (n, quick) => Math.min(n, quick ? 3 : 40),
    create: async (_options, prefix) => {
      const schema = schemaFor(prefix);
      const boss = new PgBoss({ connectionString, schema, max: POOL_SIZE, schedule: false, supervise: false });
      boss.on('error', (error) => process.stderr.write(`pg-boss: ${String(error)}\n`));
      await boss.start();
      await boss.createQueue(QUEUE);
      let working = false;
      const stopWorker = async () => {
        if (working) await boss.offWork(QUEUE);
        working = false;
      };
      let start: (() => void) | undefined;
      return {
        enqueueOne: async (data) => {
          await boss.send(QUEUE, data);
        },
        enqueueBulk: async (data) => {
          await boss.insert(data.map((d) => ({ name: QUEUE, data: d })));
        },
        prepareWorker: async (concurrency, onStart, onDone) => {
          start = () => {
            working = true;
            void boss.work<JobData>(QUEUE, { batchSize: concurrency, pollingIntervalSeconds: PG_BOSS_POLL_SECONDS }, async (jobs) => {
              await Promise.all(
                jobs.map(async (job) => {
                  onStart(job.data);
                }),
              );
              for (const _ of jobs) onDone();
            });
          };
        },
        startWorker: () => start?.(),
        settled: () => until('pg-boss: every completion written', async () => (await boss.getQueueSize(QUEUE, { before: 'completed' })) === 0),
        stopWorker: stopWorker,
        close: async () => {
          await stopWorker();
          await boss.stop({ graceful: false, wait: true });
          await dropSchema(connectionString, schema);
        },
      };
    },
  };
}

/**
 * BullMQ's PostgreSQL backend (`createPostgresBackend`, shipped in the
 * bullmq package itself), behind its usual Queue and Worker, with the same
 * options as BullMQ on Redis. Its schema is migrated on connect (`migrate:
 * true`).
 */
function bullmqPostgres(connectionString: string): ContenderKind {
  return {
    name: 'bullmq-postgres',
    redis: false,
    group: 'postgres',
    create: async (options, prefix) => {
      const schema = schemaFor(prefix);
      const connection = { connectionString, schema, migrate: true, max: POOL_SIZE / 2 };
      const queue = new BullQueue(QUEUE, { connection }, createPostgresBackend);
      await queue.waitUntilReady();
      const jobOptions = { removeOnComplete: options.removeDone, removeOnFail: false };
      let worker: Pick<BullWorker, 'run' | 'close'> | undefined;
      const stopWorker = async () => {
        await worker?.close();
        worker = undefined;
      };
      return {
        enqueueOne: async (data) => {
          await queue.add(TYPE, data, jobOptions);
        },
        enqueueBulk: async (data) => {
          await queue.addBulk(data.map((d) => ({ name: TYPE, data: d, opts: jobOptions })));
        },
        prepareWorker: async (concurrency, onStart, onDone) => {
          const made = new BullWorker(
            QUEUE,
            async (job) => {
              onStart(job.data as JobData);
            },
            { connection, concurrency, autorun: false },
            createPostgresBackend,
          );
          made.on('completed', () => onDone());
          made.on('error', (error) => process.stderr.write(`bullmq-postgres: ${String(error)}\n`));
          await made.waitUntilReady();
          worker = made;
        },
        startWorker: () => {
          void worker?.run();
        },
        stopWorker,
        close: async () => {
          await stopWorker();
          await queue.close();
          await dropSchema(connectionString, schema);
        },
      };
    },
  };
}

/** The Postgres contenders, TaskHarbor first: the run's column order. */
export function postgresKinds(connectionString: string): ContenderKind[] {
  return [taskHarborPostgres(connectionString), graphileWorker(connectionString), bullmqPostgres(connectionString), pgBoss(connectionString)];
}
