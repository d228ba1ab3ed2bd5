/**
 * A/B of add-to-start latency between two builds of the Redis driver, in one
 * process, builds taking turns (the order flips every round), so load from
 * other processes falls on both alike (runInTurns). Each step: a fresh driver (done jobs
 * removed) and a Worker at concurrency 1 from this checkout, then 300 jobs
 * one after another, each enqueued when the previous one completed: at once
 * (`hot`) or after 10 ms (`idle`, the worker is back in its blocking wait).
 * Prints each build's median of the steps' p50 and the paired ratio B/A as
 * median [q25, q75].
 *
 *   REDIS_URL=redis://127.0.0.1:6391 tsx src/latency-ab.ts --a=<dist dir> --b=<dist dir> [--mode=idle|hot] [--rounds=12]
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client } from '@taskharbor/core';
import type { RedisDriver } from '@taskharbor/driver-redis';
import { Worker } from '@taskharbor/worker';
import { Redis } from 'ioredis';
import { deleteByPrefix } from './redis-stats.js';
import { quantile, runInTurns, spread } from './turns.js';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const dirs = [arg('a'), arg('b')];
if (dirs.some((dir) => dir === undefined)) throw new Error('usage: tsx src/latency-ab.ts --a=<dist dir> --b=<dist dir> [--mode=idle|hot]');
const MODE = arg('mode') ?? 'idle';
const ROUNDS = Number(arg('rounds') ?? 12);
const SAMPLES = 300;
const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6391';
const admin = new Redis(url);
const classes = await Promise.all(
  dirs.map(async (dir) => ((await import(pathToFileURL(resolve(dir as string, 'index.js')).href)) as { RedisDriver: typeof RedisDriver }).RedisDriver),
);

let steps = 0;

async function step(build: number): Promise<number> {
  const prefix = `latency-ab-${build}-${steps++}`;
  const driver = await (classes[build] as typeof RedisDriver).connect({ url, keyPrefix: prefix, retention: { maxDoneCount: 0 } });
  const client = new Client(driver);
  const latencies: number[] = [];
  let onDone: () => void = () => {};
  const worker = new Worker(driver, { queues: ['q'], concurrency: 1, keepAlive: false });
  worker.register('t', (job) => {
    latencies.push(performance.now() - (job.payload as { t: number }).t);
  });
  worker.on('completed', () => onDone());
  void worker.start();
  await new Promise((r) => setTimeout(r, 100));
  for (let n = 0; n < SAMPLES; n++) {
    const done = new Promise<void>((r) => {
      onDone = r;
    });
    await client.enqueue('t', { t: performance.now() }, { queue: 'q' });
    await done;
    await new Promise((r) => (MODE === 'idle' ? setTimeout(r, 10) : setImmediate(r)));
  }
  await worker.close();
  await driver.close();
  await deleteByPrefix(admin, `${prefix}:`);
  return quantile(latencies, 0.5);
}

const p50s = await runInTurns([0, 1], ROUNDS, 0, step);
const [a, b] = [p50s.get(0) as number[], p50s.get(1) as number[]];
const ratios = b.map((value, i) => value / (a[i] as number));
console.log(
  `${MODE}, ${ROUNDS} rounds of ${SAMPLES}: p50 A ${quantile(a, 0.5).toFixed(3)} ms, B ${quantile(b, 0.5).toFixed(3)} ms; B/A paired ${spread(ratios)}`,
);
admin.disconnect();
