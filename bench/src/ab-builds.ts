/**
 * A/B of whole builds (worker, Redis driver and core together) in one
 * process: each step enqueues N jobs with enqueueMany under a key prefix of
 * its own, starts a Worker at concurrency C with a no-op handler, and times
 * it until N jobs have completed; then the worker and driver close (not
 * timed). Builds take turns step by step, the order rotated and reversed
 * every round, so load from other processes falls on all of them alike.
 *
 * Per build it prints the median rate from start() and from when start()
 * resolved, the process CPU time per job (process.cpuUsage, all threads),
 * how long start() took and the bulk enqueue rate of the step's enqueueMany
 * calls (chunks of 1,000); per build after the first, the ratio to the
 * first computed round by round (paired), as median [q25, q75]. The load
 * average at the start and end goes with the figures. docs/benchmarks.md,
 * "Job control and the plain path", has the command and results.
 *
 *   tsx src/ab-builds.ts --build=NAME=DIR [--build=…] [--concurrency=50] [--jobs=5000] [--rounds=30] [--warm=2] [--no-cancel-push]
 *
 * DIR is a checkout whose packages are built (DIR/packages/{worker,driver-redis,core}/dist/index.js).
 * NAME=WORKER_DIR+DRIVER_DIR takes the worker from one checkout and the driver and core from another.
 * Run node with --expose-gc to collect garbage before each step (recommended).
 */
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Client } from '@taskharbor/core';
import type { RedisDriver } from '@taskharbor/driver-redis';
import type { Worker } from '@taskharbor/worker';
import { Redis } from 'ioredis';
import { deleteByPrefix, redisTarget } from './redis-stats.js';
import { quantile, runInTurns, spread } from './turns.js';

const arg = (name: string, fallback: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const CONCURRENCY = Number(arg('concurrency', '50'));
const JOBS = Number(arg('jobs', '5000'));
const ROUNDS = Number(arg('rounds', '30'));
const WARM = Number(arg('warm', '2'));
const CANCEL_PUSH = !process.argv.includes('--no-cancel-push');
const specs = process.argv.filter((a) => a.startsWith('--build=')).map((a) => a.slice('--build='.length));
if (specs.length < 2) throw new Error('usage: tsx src/ab-builds.ts --build=NAME=DIR --build=NAME=DIR [...] (see the head of this file)');

interface Step {
  /** ms from start() until the last job completed. */
  wall: number;
  /** ms from start() resolving until the last job completed. */
  afterStart: number;
  startMs: number;
  cpuPerJob: number;
  /** ms the enqueueMany calls (chunks of 1,000) took before the worker started. */
  enqueueMs: number;
}

interface Build {
  name: string;
  Worker: typeof Worker;
  RedisDriver: typeof RedisDriver;
  Client: typeof Client;
  steps: Step[];
}

const load = (dir: string, pkg: string) => import(pathToFileURL(resolve(dir, 'packages', pkg, 'dist', 'index.js')).href);
const builds: Build[] = [];
for (const spec of specs) {
  const [name, dirs] = spec.split('=') as [string, string | undefined];
  if (dirs === undefined) throw new Error(`--build=${spec}: expected NAME=DIR`);
  const [workerDir, driverDir = workerDir] = dirs.split('+') as [string, string | undefined];
  const [worker, driver, core] = await Promise.all([load(workerDir, 'worker'), load(driverDir, 'driver-redis'), load(driverDir, 'core')]);
  builds.push({ name, Worker: worker.Worker, RedisDriver: driver.RedisDriver, Client: core.Client, steps: [] });
}

const target = redisTarget();
const admin = new Redis({ host: target.host, port: target.port, db: target.db });
const runId = `bench-builds-${Date.now().toString(36)}`;
const collect = (globalThis as { gc?: () => void }).gc;
let stepCount = 0;

async function step(build: Build): Promise<Step> {
  const prefix = `${runId}-${stepCount++}`;
  const driver = await build.RedisDriver.connect({ url: target.url, db: target.db, keyPrefix: prefix });
  try {
    const client = new build.Client(driver);
    const enqueueStarted = performance.now();
    for (let i = 0; i < JOBS; i += 1000) {
      await client.enqueueMany(Array.from({ length: Math.min(1000, JOBS - i) }, () => ({ type: 'probe', payload: {}, options: { queue: 'probe' } })));
    }
    const enqueueMs = performance.now() - enqueueStarted;
    const worker = new build.Worker(driver, { queues: ['probe'], concurrency: CONCURRENCY, keepAlive: false, cancelPush: CANCEL_PUSH });
    worker.register('probe', () => undefined);
    let completed = 0;
    const allDone = new Promise<void>((done) => {
      worker.on('completed', () => {
        completed++;
        if (completed === JOBS) done();
      });
    });
    collect?.();
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    await worker.start();
    const startResolved = performance.now();
    await allDone;
    const ended = performance.now();
    const cpu = process.cpuUsage(cpuBefore);
    await worker.close();
    return { wall: ended - started, afterStart: ended - startResolved, startMs: startResolved - started, cpuPerJob: (cpu.user + cpu.system) / JOBS, enqueueMs };
  } finally {
    await driver.close();
    await deleteByPrefix(admin, `${prefix}:`);
  }
}


const loadBefore = loadavg();
try {
  const kept = await runInTurns(builds, ROUNDS, WARM, step);
  for (const build of builds) build.steps.push(...(kept.get(build) ?? []));
} finally {
  admin.disconnect();
}
const loadAfter = loadavg();

const fixed = (value: number, digits: number) => value.toFixed(digits);
const lines = [
  `concurrency ${CONCURRENCY}, ${JOBS} jobs a step, ${ROUNDS} rounds (+${WARM} warm-up), cancel push ${CANCEL_PUSH ? 'on' : 'off'}; load average ${loadBefore.map((x) => fixed(x, 2)).join(' ')} at start, ${loadAfter.map((x) => fixed(x, 2)).join(' ')} at end`,
];
for (const build of builds) {
  const rate = build.steps.map((s) => JOBS / (s.wall / 1000));
  const rateAfterStart = build.steps.map((s) => JOBS / (s.afterStart / 1000));
  const enqueueRate = build.steps.map((s) => JOBS / (s.enqueueMs / 1000));
  lines.push(
    `${build.name}: ${fixed(quantile(rate, 0.5), 0)} jobs/s (${fixed(quantile(rateAfterStart, 0.5), 0)} after start), ${fixed(quantile(build.steps.map((s) => s.cpuPerJob), 0.5), 2)} µs CPU a job, start ${fixed(quantile(build.steps.map((s) => s.startMs), 0.5), 2)} ms, bulk enqueue ${fixed(quantile(enqueueRate, 0.5), 0)} jobs/s`,
  );
}
const [first, ...others] = builds as [Build, ...Build[]];
for (const build of others) {
  const paired = (of: (s: Step) => number) => build.steps.map((s, i) => of(first.steps[i] as Step) / of(s));
  lines.push(
    `${build.name} / ${first.name}: rate ${spread(paired((s) => s.wall))}, rate after start ${spread(paired((s) => s.afterStart))}, CPU a job (${first.name}'s / this) ${spread(paired((s) => s.cpuPerJob))}, bulk enqueue ${spread(paired((s) => s.enqueueMs))}`,
  );
}
process.stdout.write(`${lines.join('\n')}\n`);
