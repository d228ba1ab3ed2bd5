/**
 * TaskHarbor on PostgreSQL: four jobs, one worker, and what happens to each.
 * Run it from the repo root with `pnpm demo:postgres`. It connects to
 * DATABASE_URL, else postgres://root@localhost:5432/test (the compose
 * service), keeps its tables in the schema `taskharbor_demo` (apart from
 * anything else in that database), and shuts down by itself after a few
 * seconds.
 */
import { Client, RetryPolicy } from '@taskharbor/core';
import { PostgresDriver } from '@taskharbor/driver-postgres';
import { Worker } from '@taskharbor/worker';
import pg from 'pg';

type Jobs = {
  greet: { name: string };
  'reminder.send': { text: string };
  'report.fetch': { url: string };
  'invoice.charge': { invoiceId: string };
};

const SCHEMA = 'taskharbor_demo';
const connectionString = process.env.DATABASE_URL || 'postgres://root@localhost:5432/test';

const started = Date.now();
function say(line: string): void {
  const ms = String(Date.now() - started).padStart(5);
  console.log(`[+${ms} ms] ${line}`);
}

const driver = await PostgresDriver.connect({ connectionString, schema: SCHEMA }).catch((error: unknown) => {
  console.error(String(error instanceof Error ? error.message : error));
  console.error('Start one with `docker compose up -d postgres` (see docs/postgres.md), or set DATABASE_URL.');
  process.exit(1);
});
// A queue of this run's own, so two demos at once, or an earlier run, never mix.
const queue = `demo-${started}`;
say(`connected; using queue ${queue} in the schema ${SCHEMA}`);

const client = new Client<Jobs>(driver, { defaultQueue: queue });
const worker = new Worker<Jobs>(driver, {
  queues: [queue],
  concurrency: 4,
  // Short delays so the demo finishes quickly: 200 ms, then 400 ms, 800 ms...
  retryPolicy: RetryPolicy.exponential({ baseMs: 200, factor: 2, maxMs: 2_000, jitter: 0 }),
  keepAlive: false,
});

worker.register('greet', async (job) => {
  say(`greet: hello, ${job.payload.name}!`);
});
worker.register('reminder.send', async (job) => {
  say(`reminder.send: "${job.payload.text}" (scheduled for +1000 ms)`);
});
worker.register('report.fetch', async (job) => {
  if (job.attempt === 1) throw new Error(`GET ${job.payload.url} answered 503`);
  say(`report.fetch: got ${job.payload.url} on attempt ${job.attempt}`);
});
worker.register('invoice.charge', async (job) => {
  throw new Error(`card declined for invoice ${job.payload.invoiceId}`);
});

worker.on('retrying', ({ job, error, runAt }) => {
  const delay = runAt === undefined ? 0 : runAt - Date.now();
  say(`${job.type}: attempt ${job.attempt} failed (${error.message}); retrying in ~${Math.max(0, delay)} ms`);
});
worker.on('dead', ({ job, reason }) => say(`${job.type}: dead-lettered: ${reason}`));
worker.on('error', ({ error, during }) => say(`worker error during ${during}: ${error.message}`));

let finished = 0;
const allFinished = new Promise<void>((resolve) => {
  const done = () => {
    finished++;
    if (finished === 4) resolve();
  };
  worker.on('completed', done);
  worker.on('dead', done);
});

await worker.start();
say('worker started; enqueueing four jobs');
await client.enqueue('greet', { name: 'Ada' });
await client.enqueue('reminder.send', { text: 'stand-up in 5 minutes' }, { delayMs: 1_000 });
await client.enqueue('report.fetch', { url: 'https://example.com/report.csv' });
const { id: invoiceJob } = await client.enqueue('invoice.charge', { invoiceId: 'INV-42' }, { maxAttempts: 3 });

// Shut down by itself: when every job finished, or after 8 s at the latest.
let timer: NodeJS.Timeout | undefined;
const outcome = await Promise.race([
  allFinished.then(() => 'finished' as const),
  new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), 8_000);
  }),
]);
clearTimeout(timer);
if (outcome === 'timeout') say(`stopping after 8 s with ${finished} of 4 jobs finished`);

await worker.close();
const dead = await driver.inspect({ queue, id: invoiceJob });
say(`dead-letter queue holds ${dead?.id}: status ${dead?.status}, attempts ${dead?.attempts} of ${dead?.maxAttempts}, reason "${dead?.dlqReason}"`);
console.log(await driver.counts(queue));
await driver.close();

// Remove this run's rows, so repeated demos leave nothing behind in the database.
const admin = new pg.Client({ connectionString });
await admin.connect();
await admin.query(`DELETE FROM ${SCHEMA}.jobs WHERE queue = $1`, [queue]);
await admin.query(`DELETE FROM ${SCHEMA}.queues WHERE name = $1`, [queue]);
// The schema goes too, unless another demo is running in it right now.
const { rows } = await admin.query(`SELECT count(*)::int AS left FROM ${SCHEMA}.queues`);
if (rows[0]?.left === 0) await admin.query(`DROP SCHEMA ${SCHEMA} CASCADE`);
await admin.end();
say('done');
process.exit(outcome === 'finished' ? 0 : 1);
