/**
 * A/B probe of the Redis driver's plain path: two builds of
 * @taskharbor/driver-redis (two dist directories) in one process, step by
 * step in turns (A, B, B, A, …), so that load from other processes on a
 * busy machine falls on both alike. Measured, per build: bulk enqueue
 * (enqueueMany of 1,000), the driver's process loop (reserve 50, then
 * ackMany of them) with done jobs kept (default retention) and removed
 * (maxDoneCount 0), a heartbeat (extendLeases of 50 leases), and a Worker
 * at concurrency 50 running 20,000 no-op jobs as the bench's process
 * scenario does (done removed and kept). Prints each
 * build's total time per step kind and B/A. docs/benchmarks.md, "Job
 * control: cost on the plain path", has the command and results.
 *
 * tsx src/ab-probe.ts --a=<dist dir> --b=<dist dir> [--jobs=N] [--max-attempts=3]
 * (each dir must sit where it resolves @taskharbor/core and ioredis, e.g.
 * inside packages/driver-redis).
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client, newJobId } from '@taskharbor/core';
import type { RedisDriver } from '@taskharbor/driver-redis';
import { Worker } from '@taskharbor/worker';
import { Redis } from 'ioredis';
import { deleteByPrefix, redisTarget } from './redis-stats.js';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const dirs = [arg('a'), arg('b')];
if (dirs.some((dir) => dir === undefined)) throw new Error('usage: tsx src/ab-probe.ts --a=<dist dir> --b=<dist dir> [--jobs=N]');
const JOBS = Number(arg('jobs') ?? 40_000);
// 25, the default, is the usual job (data model 5 leaves the field out); 3 keeps max_attempts in the hash.
const MAX_ATTEMPTS = Number(arg('max-attempts') ?? 3);
const HEARTBEATS = 2000;
const WORKER_JOBS = 20_000;
const WORKER_ROUNDS = Number(arg('worker-rounds') ?? 4);
const target = redisTarget();
const runId = Date.now().toString(36);
const admin = new Redis({ host: target.host, port: target.port, db: target.db });
const queue = 'probe';

type DriverClass = typeof RedisDriver;
const classes: DriverClass[] = [];
for (const dir of dirs) {
  const module = (await import(pathToFileURL(resolve(dir as string, 'index.js')).href)) as { RedisDriver: DriverClass };
  classes.push(module.RedisDriver);
}

function jobs(count: number, now: number) {
  return Array.from({ length: count }, () => ({ id: newJobId(now), type: 'probe', queue, payload: new Uint8Array(100), createdAt: now, maxAttempts: MAX_ATTEMPTS }));
}

/** Runs `step` for both builds `rounds` times, in the order A B B A A B …; returns each build's total ms. */
async function alternate(rounds: number, step: (build: number) => Promise<void>): Promise<[number, number]> {
  const totals: [number, number] = [0, 0];
  for (let i = 0; i < rounds; i++) {
    for (const build of i % 2 === 0 ? [0, 1] : [1, 0]) {
      const started = performance.now();
      await step(build);
      totals[build as 0 | 1] += performance.now() - started;
    }
  }
  return totals;
}

const lines: string[] = [];
function report(name: string, [a, b]: [number, number], per: number, unit: 'jobs/s' | 'µs a call'): void {
  const value = (ms: number) => (unit === 'jobs/s' ? per / (ms / 1000) : (ms * 1000) / per);
  lines.push(`${name}: A ${value(a).toFixed(0)} ${unit}, B ${value(b).toFixed(0)} ${unit}, B/A ${(value(b) / value(a)).toFixed(3)}`);
}

async function openPair(mode: string, removeDone: boolean): Promise<RedisDriver[]> {
  const retention = removeDone ? { maxDoneCount: 0 } : {};
  return Promise.all(
    classes.map((Driver, i) => Driver.connect({ url: target.url, db: target.db, keyPrefix: `bench-ab-${runId}-${mode}-${i}`, retention })),
  );
}

/** One worker run as in the bench's process scenario: 20,000 jobs, a Worker at concurrency 50, no-op handler. */
async function workerRun(Driver: DriverClass, removeDone: boolean, n: number): Promise<number> {
  const prefix = `bench-ab-${runId}-worker-${n}`;
  const retention = { maxDoneCount: removeDone ? 0 : Number.POSITIVE_INFINITY, maxDoneAgeMs: Number.POSITIVE_INFINITY };
  const driver = await Driver.connect({ url: target.url, db: target.db, keyPrefix: prefix, retention });
  try {
    const client = new Client(driver);
    for (let i = 0; i < WORKER_JOBS; i += 1000) {
      await client.enqueueMany(Array.from({ length: 1000 }, () => ({ type: 'probe', payload: {}, options: { queue } })));
    }
    const worker = new Worker(driver, { queues: [queue], concurrency: 50, keepAlive: false });
    let done = 0;
    const finished = new Promise<void>((resolve) => {
      worker.on('completed', () => {
        done++;
        if (done === WORKER_JOBS) resolve();
      });
    });
    worker.register('probe', () => undefined);
    const started = performance.now();
    void worker.start();
    await finished;
    const elapsed = performance.now() - started;
    await worker.close();
    return elapsed;
  } finally {
    await driver.close();
    await deleteByPrefix(admin, `${prefix}:`);
  }
}

let workerRuns = 0;
try {
  const now = Date.now();
  for (const removeDone of [true, false]) {
    const totals: [number, number] = [0, 0];
    for (let i = 0; i < WORKER_ROUNDS; i++) {
      for (const build of i % 2 === 0 ? [0, 1] : [1, 0]) totals[build as 0 | 1] += await workerRun(classes[build]!, removeDone, workerRuns++);
    }
    report(`Worker c=50, done ${removeDone ? 'removed' : 'kept'}`, totals, WORKER_JOBS * WORKER_ROUNDS, 'jobs/s');
  }
  for (const removeDone of [false, true]) {
    const mode = removeDone ? 'removed' : 'kept';
    const drivers = await openPair(mode, removeDone);
    const enqueue = await alternate(JOBS / 1000, (build) => drivers[build]!.enqueueMany(jobs(1000, now), now).then(() => undefined));
    if (!removeDone) report('bulk enqueue (enqueueMany of 1,000)', enqueue, JOBS, 'jobs/s');
    const processed = await alternate(JOBS / 50, async (build) => {
      const driver = drivers[build]!;
      const { jobs: reserved } = await driver.reserve({ queue, limit: 50, leaseMs: 60_000, now });
      await driver.ackMany(
        reserved.map((job) => job.lease),
        now,
      );
    });
    report(`reserve 50 + ackMany, done ${mode}`, processed, JOBS, 'jobs/s');
    if (!removeDone) {
      const leases = await Promise.all(
        drivers.map(async (driver) => {
          await driver.enqueueMany(jobs(50, now), now);
          return (await driver.reserve({ queue, limit: 50, leaseMs: 3_600_000, now })).jobs.map((job) => job.lease);
        }),
      );
      const beats = await alternate(HEARTBEATS, (build) => drivers[build]!.extendLeases(leases[build]!, 3_600_000, now).then(() => undefined));
      report('heartbeat (extendLeases of 50)', beats, HEARTBEATS, 'µs a call');
    }
    for (const [i, driver] of drivers.entries()) {
      await driver.close();
      await deleteByPrefix(admin, `bench-ab-${runId}-${mode}-${i}:`);
    }
  }
} finally {
  admin.disconnect();
}
process.stdout.write(`${lines.join('\n')}\n`);
