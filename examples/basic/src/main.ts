/**
 * TaskHarbor on the in-memory driver: four jobs and a schedule, one worker,
 * and what happens to each. Run it from the repo root with `pnpm demo`.
 */
import { Client, RetryPolicy } from '@taskharbor/core';
import { MemoryDriver } from '@taskharbor/driver-memory';
import { Worker } from '@taskharbor/worker';

type Jobs = {
  'greet': { name: string };
  'reminder.send': { text: string };
  'report.fetch': { url: string };
  'invoice.charge': { invoiceId: string };
  'heartbeat.tick': { from: string };
};

const started = Date.now();
function say(line: string): void {
  const ms = String(Date.now() - started).padStart(5);
  console.log(`[+${ms} ms] ${line}`);
}

const driver = new MemoryDriver();
const client = new Client<Jobs>(driver);
const worker = new Worker<Jobs>(driver, {
  concurrency: 4,
  // Short delays so the demo finishes quickly: 200 ms, then 400 ms, 800 ms...
  retryPolicy: RetryPolicy.exponential({ baseMs: 200, factor: 2, maxMs: 2_000, jitter: 0 }),
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

worker.register('heartbeat.tick', async (job) => {
  const tick = new Date(job.scheduledFor ?? 0).toISOString();
  say(`heartbeat.tick: schedule ${job.schedule}, tick ${tick}, from ${job.payload.from}`);
});

worker.on('retrying', ({ job, error, runAt }) => {
  const delay = runAt === undefined ? 0 : runAt - Date.now();
  say(`${job.type}: attempt ${job.attempt} failed (${error.message}); retrying in ~${delay} ms`);
});
worker.on('dead', ({ job, reason }) => say(`${job.type}: dead-lettered: ${reason}`));
worker.on('error', ({ error, during }) => say(`worker error during ${during}: ${error.message}`));

// Four jobs, and three ticks of the schedule.
let finished = 0;
const allFinished = new Promise<void>((resolve) => {
  const done = () => {
    finished++;
    if (finished === 4 + 3) resolve();
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
// One job per tick, every 500 ms, three times; the worker keeps it going, no scheduler process.
// Every process may make this call at boot: the same definition changes nothing.
await client.schedule('heartbeat', { everyMs: 500, type: 'heartbeat.tick', payload: { from: 'the demo' }, limit: 3 });
say('schedule heartbeat: every 500 ms, 3 ticks');

const deadline = setTimeout(() => {
  console.error('demo did not finish within 10 s');
  process.exit(1);
}, 10_000);
await allFinished;
clearTimeout(deadline);

await worker.close();
const dead = await driver.inspect({ queue: 'default', id: invoiceJob });
say(`dead-letter queue holds ${dead?.id}: status ${dead?.status}, attempts ${dead?.attempts} of ${dead?.maxAttempts}`);
const heartbeat = await driver.getSchedule('heartbeat');
say(`schedule heartbeat: ${heartbeat?.runs} runs of ${heartbeat?.limit}, ${heartbeat?.nextRunAt === undefined ? 'ended' : 'goes on'}`);
console.log(await driver.counts('default'));
await driver.close();
say('done');
