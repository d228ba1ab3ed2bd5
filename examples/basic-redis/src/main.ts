/**
 * TaskHarbor on Redis: four jobs, one worker, and what happens to each.
 * Run it from the repo root with `pnpm demo:redis`. It connects to
 * REDIS_URL, else REDIS_ADDR, else localhost:6379, keeps its keys under the
 * prefix `taskharbor-demo` (apart from anything else in that Redis), and
 * shuts down by itself after a few seconds.
 */
import { Client, RetryPolicy } from '@taskharbor/core';
import { RedisDriver } from '@taskharbor/driver-redis';
import { Worker } from '@taskharbor/worker';

type Jobs = {
  greet: { name: string };
  'reminder.send': { text: string };
  'report.fetch': { url: string };
  'invoice.charge': { invoiceId: string };
};

const started = Date.now();
function say(line: string): void {
  const ms = String(Date.now() - started).padStart(5);
  console.log(`[+${ms} ms] ${line}`);
}

const driver = await RedisDriver.connect({ keyPrefix: 'taskharbor-demo' }).catch((error: unknown) => {
  console.error(String(error instanceof Error ? error.message : error));
  console.error('Start one with `docker compose up -d redis` (see docs/redis.md), or set REDIS_URL.');
  process.exit(1);
});
// A queue of this run's own, so two demos at once, or an earlier run, never mix.
const queue = `demo-${started}`;
say(`connected; using queue ${queue} under the prefix taskharbor-demo`);

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

// Remove this run's keys, so repeated demos leave nothing behind in Redis.
let cursor = '0';
do {
  const [next, keys] = await driver.client.scan(cursor, 'MATCH', `taskharbor-demo:{${queue}}:*`, 'COUNT', 500);
  if (keys.length > 0) await driver.client.del(...keys);
  cursor = next;
} while (cursor !== '0');
await driver.client.srem('taskharbor-demo:queues', queue);
// The prefix's version key goes too, unless another demo is running under the prefix right now.
if ((await driver.client.scard('taskharbor-demo:queues')) === 0) await driver.client.del('taskharbor-demo:version');
await driver.close();
say('done');
process.exit(outcome === 'finished' ? 0 : 1);
