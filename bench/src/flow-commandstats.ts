/**
 * Where Redis's time goes for plain and priority jobs: a Worker at
 * concurrency 50 runs N no-op jobs of one queue, plain (no priority) and
 * priorities (job i priority i % 10, no group) alternated, and INFO
 * commandstats (reset before the enqueue and again before the run) gives
 * each command's calls and usec per job, the scripts' inner commands
 * included. Needs a Redis of its own (it runs CONFIG RESETSTAT).
 *
 *   REDIS_URL=redis://127.0.0.1:6391 tsx src/flow-commandstats.ts [--jobs=20000] [--rounds=2]
 */
import { Client } from '@taskharbor/core';
import { RedisDriver } from '@taskharbor/driver-redis';
import { Worker } from '@taskharbor/worker';
import { Redis } from 'ioredis';
import { deleteByPrefix } from './redis-stats.js';
import { completionOf } from './completions.js';

const arg = (name: string, fallback: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const JOBS = Number(arg('jobs', '20000'));
const ROUNDS = Number(arg('rounds', '2'));
const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6391';
const admin = new Redis(url);
const runId = Date.now().toString(36);

type Row = readonly [command: string, calls: number, usec: number];

/** Per-job calls and usec of each command since the last reset, dearest first (INFO and CONFIG left out). */
async function perJob(): Promise<Row[]> {
  const info = await admin.info('commandstats');
  return [...info.matchAll(/cmdstat_([a-z|]+):calls=(\d+),usec=(\d+)/g)]
    .map((m) => [m[1] as string, Number(m[2]) / JOBS, Number(m[3]) / JOBS] as const)
    .filter(([command]) => command !== 'info' && !command.startsWith('config'))
    .sort((a, b) => b[2] - a[2]);
}

const show = (rows: Row[]) => rows.slice(0, 14).map(([command, calls, usec]) => `${command} ${calls.toFixed(2)} calls/${usec.toFixed(2)} µs`).join(', ');

for (let round = 0; round < ROUNDS; round++) {
  for (const shape of ['plain', 'priorities'] as const) {
    const prefix = `bench-commandstats-${runId}-${shape}-${round}`;
    const driver = await RedisDriver.connect({ url, keyPrefix: prefix, retention: { maxDoneCount: 0, maxDoneAgeMs: Number.POSITIVE_INFINITY } });
    const client = new Client(driver);
    await admin.config('RESETSTAT');
    for (let i = 0; i < JOBS; i += 1000) {
      const count = Math.min(1000, JOBS - i);
      await client.enqueueMany(
        Array.from({ length: count }, (_, j) => ({ type: 'noop', payload: {}, options: shape === 'priorities' ? { queue: 'q', priority: (i + j) % 10 } : { queue: 'q' } })),
      );
    }
    const enqueue = await perJob();
    await admin.config('RESETSTAT');
    const worker = new Worker(driver, { queues: ['q'], concurrency: 50 });
    const finished = completionOf(worker, JOBS);
    worker.register('noop', async () => {});
    await worker.start();
    await finished;
    const run = await perJob();
    await worker.close();
    await driver.close();
    console.log(`${shape} enqueue, per job: ${show(enqueue)}`);
    console.log(`${shape} worker run, per job: ${show(run)}`);
    await deleteByPrefix(admin, prefix);
  }
}
admin.disconnect();
