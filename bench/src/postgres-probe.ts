/**
 * Where a TaskHarbor worker's time goes on PostgreSQL: runs N no-op jobs at
 * one concurrency through the Postgres driver on a pool that counts and
 * times every statement, and prints, per statement, the calls, the calls per
 * job, the rows per call and the mean and p95 round trip, and the worker's
 * reserve sizes. Not part of the benchmark table; see docs/benchmarks.md.
 *
 *   DATABASE_URL=postgres://… pnpm --filter @taskharbor/bench probe:postgres --jobs=20000 --concurrency=50 --prefetch=0 --retention=removed|kept|default [--explain=ack --explain-rows=100 | --explain-call=K]
 *
 * --pg-options='-c …' passes settings to the pool's connections (for
 * example `-c session_preload_libraries=auto_explain -c
 * auto_explain.log_min_duration=25` to log slow plans to the server log);
 * --drop-index=a,b drops those indexes of the fresh schema before the run;
 * --cpu-profile=FILE writes a CPU profile of the processing alone (open it
 * in Chrome's DevTools).
 * With PostgreSQL on this machine, the line also gives its processes' CPU.
 */
import { Client } from '@taskharbor/core';
import { PostgresDriver } from '@taskharbor/driver-postgres';
import { Worker } from '@taskharbor/worker';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import pg from 'pg';
import { postgresCpuSeconds } from './postgres-cpu.js';
import { retentionFor } from './contenders.js';
import { schemaFor } from './postgres-contenders.js';
import { completionOf } from './completions.js';

const arg = (name: string, fallback: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const jobs = Number(arg('jobs', '20000'));
const concurrency = Number(arg('concurrency', '50'));
const prefetch = Number(arg('prefetch', '0'));
/** removed: maxDoneCount 0; kept: no retention rule; default: core's DEFAULT_RETENTION (the last 1,000, for 24 hours). */
const retentionMode = arg('retention', 'removed');
/**
 * --explain=NAME: the first NAME statement whose first array parameter holds
 * at least --explain-rows elements (or, with --explain-call=K, its K-th call)
 * is also run under EXPLAIN ANALYZE (rolled back) and its plan printed.
 */
const explainName = arg('explain', '');
const explainRows = Number(arg('explain-rows', '100'));
const explainCall = Number(arg('explain-call', '0'));
let explainCalls = 0;
let explained = false;
if (!['removed', 'kept', 'default'].includes(retentionMode)) throw new Error('--retention: removed, kept or default');
const connectionString = process.env.DATABASE_URL;
if (connectionString === undefined) throw new Error('set DATABASE_URL');

interface Timing {
  calls: number;
  rows: number;
  ms: number[];
}
const timings = new Map<string, Timing>();

/** A pg Pool whose query() records each named statement's round trip. */
function countingPool(): pg.Pool {
  const pool = new pg.Pool({ connectionString, max: 20, ...(arg('pg-options', '') === '' ? {} : { options: arg('pg-options', '') }) });
  pool.on('error', () => undefined);
  const query = pool.query.bind(pool) as (config: pg.QueryConfig) => Promise<pg.QueryResult>;
  (pool as unknown as { query: typeof query }).query = async (config: pg.QueryConfig) => {
    const name = (config.name ?? 'unnamed').replace(/^th_[0-9a-f]+_/, '');
    const first = config.values?.[0];
    if (!explained && name === explainName) {
      explainCalls++;
      const rows = Array.isArray(first) ? first.length : 0;
      if (explainCall > 0 ? explainCalls === explainCall : rows >= explainRows) {
        explained = true;
        await explain(pool, config, rows);
      }
    }
    const t0 = performance.now();
    const result = await query(config);
    const timing = timings.get(name) ?? { calls: 0, rows: 0, ms: [] };
    timing.calls++;
    timing.rows += result.rowCount ?? 0;
    timing.ms.push(performance.now() - t0);
    timings.set(name, timing);
    return result;
  };
  return pool;
}

/** Prints the plan of one statement as run now, in a transaction that is rolled back. */
async function explain(pool: pg.Pool, config: pg.QueryConfig, rows: number): Promise<void> {
  const connection = await pool.connect();
  try {
    await connection.query('BEGIN');
    const plan = await connection.query({ text: `EXPLAIN (ANALYZE, BUFFERS) ${config.text}`, values: config.values });
    process.stdout.write(`plan of ${explainName} (first array parameter: ${rows} elements):\n${plan.rows.map((row) => row['QUERY PLAN']).join('\n')}\n\n`);
  } finally {
    await connection.query('ROLLBACK');
    connection.release();
  }
}

const schema = schemaFor(`probe-${Date.now().toString(36)}`);
const pool = countingPool();
const retention = retentionMode === 'default' ? {} : retentionFor({ removeDone: retentionMode === 'removed' });
const driver = new PostgresDriver({ pool, schema, retention });
await driver.ready();
for (const index of arg('drop-index', '').split(',').filter(Boolean)) await pool.query(`DROP INDEX "${schema}".${index}`);
const client = new Client(driver);
for (let done = 0; done < jobs; done += 1000) {
  await client.enqueueMany(Array.from({ length: Math.min(1000, jobs - done) }, () => ({ type: 'noop', payload: {}, options: { queue: 'probe' } })));
}
timings.clear();

const reserveSizes = new Map<number, number>();
const reserve = driver.reserve.bind(driver);
driver.reserve = async (request) => {
  const result = await reserve(request);
  reserveSizes.set(result.jobs.length, (reserveSizes.get(result.jobs.length) ?? 0) + 1);
  return result;
};

const worker = new Worker(driver, { queues: ['probe'], concurrency, prefetch, keepAlive: false });
worker.register('noop', () => {});
const finished = completionOf(worker, jobs);
const profilePath = arg('cpu-profile', '');
const profiler = profilePath === '' ? undefined : new Session();
if (profiler !== undefined) {
  profiler.connect();
  await profiler.post('Profiler.enable');
  await profiler.post('Profiler.start');
}
const cpu0 = process.cpuUsage();
const pgCpu0 = postgresCpuSeconds();
const t0 = performance.now();
void worker.start();
await finished;
const elapsed = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const pgCpu = postgresCpuSeconds() - pgCpu0;
if (profiler !== undefined) {
  const { profile } = await profiler.post('Profiler.stop');
  writeFileSync(profilePath, JSON.stringify(profile));
  profiler.disconnect();
}
await worker.close();
await driver.close();
await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
await pool.end();

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))] ?? 0;
process.stdout.write(
  `${jobs} jobs, concurrency ${concurrency}, retention ${retentionMode}: ${Math.round(jobs / (elapsed / 1000))} jobs/s, ` +
    `Node CPU ${(((cpu.user + cpu.system) / 1000 / elapsed) * 100).toFixed(0)}% of one core` +
    (Number.isNaN(pgCpu) ? '' : `, PostgreSQL CPU ${((pgCpu * 1000 * 100) / elapsed).toFixed(0)}% of one core`) +
    '\n\n',
);
process.stdout.write('| statement | calls | per job | rows per call | mean ms | p95 ms |\n| --- | ---: | ---: | ---: | ---: | ---: |\n');
for (const [name, t] of [...timings].sort((a, b) => b[1].calls - a[1].calls)) {
  const mean = t.ms.reduce((a, b) => a + b, 0) / t.calls;
  process.stdout.write(
    `| ${name} | ${t.calls} | ${(t.calls / jobs).toFixed(3)} | ${(t.rows / t.calls).toFixed(1)} | ${mean.toFixed(2)} | ${percentile(t.ms, 95).toFixed(2)} |\n`,
  );
}
const sizes = [...reserveSizes].sort((a, b) => a[0] - b[0]);
process.stdout.write(`\nreserve calls by jobs returned: ${sizes.map(([size, count]) => `${size}: ${count}`).join(', ')}\n`);
