/**
 * Where a job arriving at an idle worker spends its time, on Redis: one
 * worker (concurrency 1, no-op handler) waits on an empty queue; each sample
 * enqueues one job after IDLE_GAP_MS of quiet and stamps, on one clock
 * (performance.now):
 *   t0  just before client.enqueue
 *   t1  the enqueue promise resolved (the enqueue script's round trip)
 *   t2  the driver's waitForWork resolved (the BLPOP answered: a wake-up token,
 *       or a job the enqueue handed over, leased, with it)
 *   tA  the worker armed its next wait (waitForWork called again, before its reserve)
 *   t3  reserve called
 *   t4  reserve answered
 *   t5  the handler's first line
 * A job handed over with the wake-up has no reserve (t3, t4): such samples
 * are reported apart from those that went through a reserve.
 * and, for scale, the bare round trips after the same quiet: a PING, and
 * an LPUSH seen by a BLPOP waiting on another connection.
 *
 *   REDIS_URL=redis://127.0.0.1:6379 tsx src/idle-timeline.ts [--samples=300] [--gap=10]
 */
import { Client, type Driver, type ReserveRequest, type WaitForWorkRequest } from '@taskharbor/core';
import { RedisDriver } from '@taskharbor/driver-redis';
import { Worker } from '@taskharbor/worker';
import { Redis } from 'ioredis';
import { deleteByPrefix, redisTarget } from './redis-stats.js';
import { quantile } from './turns.js';

const arg = (name: string, fallback: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const SAMPLES = Number(arg('samples', '300'));
const IDLE_GAP_MS = Number(arg('gap', '10'));
const QUEUE = 'timeline';

interface Stamps {
  t0: number;
  t1?: number;
  t2?: number;
  /** the worker armed its next wait (after t2, before its reserve) */
  tArm?: number;
  t3?: number;
  t4?: number;
  t5?: number;
  /** the wake-up came with the job (handoff) */
  handed?: boolean;
}

const quiet = () => new Promise((resolve) => setTimeout(resolve, IDLE_GAP_MS));

/** The driver with its waitForWork and reserve stamped into the current sample. */
function stamped(driver: RedisDriver, current: () => Stamps | undefined): Driver {
  const wrapped = Object.create(driver) as RedisDriver;
  wrapped.waitForWork = (request: WaitForWorkRequest) => {
    const armedAt = performance.now();
    const armed = current();
    if (armed !== undefined && armed.t2 !== undefined && armed.tArm === undefined) armed.tArm = armedAt;
    return driver.waitForWork(request).then((result) => {
      const stamps = current();
      if (stamps !== undefined && stamps.t2 === undefined && !request.signal.aborted) {
        stamps.t2 = performance.now();
        stamps.handed = (result?.jobs.length ?? 0) > 0;
      }
      return result;
    });
  };
  wrapped.reserve = async (request: ReserveRequest) => {
    const stamps = current();
    const calledAt = performance.now();
    const result = await driver.reserve(request);
    if (stamps !== undefined && result.jobs.length > 0 && stamps.t4 === undefined) {
      stamps.t3 = calledAt;
      stamps.t4 = performance.now();
    }
    return result;
  };
  return wrapped;
}

async function bareRoundTrips(url: string): Promise<{ ping: number[]; pushToPop: number[] }> {
  const a = new Redis(url);
  const b = new Redis(url);
  const key = `timeline-bare:${process.pid}`;
  const ping: number[] = [];
  const pushToPop: number[] = [];
  try {
    for (let i = 0; i < SAMPLES; i++) {
      await quiet();
      const t = performance.now();
      await a.ping();
      ping.push(performance.now() - t);
    }
    for (let i = 0; i < SAMPLES; i++) {
      const popped = b.blpop(key, 5);
      await quiet();
      const t = performance.now();
      await a.lpush(key, '1');
      await popped;
      pushToPop.push(performance.now() - t);
    }
  } finally {
    await a.del(key);
    a.disconnect();
    b.disconnect();
  }
  return { ping, pushToPop };
}

const target = redisTarget();
const admin = new Redis(target.url);
const prefix = `timeline-${process.pid}`;
const driver = await RedisDriver.connect({ url: target.url, db: target.db, keyPrefix: prefix });
const client = new Client(driver);
let current: Stamps | undefined;
let started: (() => void) | undefined;
const worker = new Worker(stamped(driver, () => current), { queues: [QUEUE], concurrency: 1 });
worker.register('noop', async () => {
  if (current !== undefined && current.t5 === undefined) current.t5 = performance.now();
  started?.();
});
const samples: Required<Stamps>[] = [];
/** Samples whose job came with the wake-up: no reserve, so no t3 and t4. */
const handedSamples: Stamps[] = [];
try {
  await worker.start();
  await new Promise((resolve) => setTimeout(resolve, 200));
  for (let i = 0; i < SAMPLES + 20; i++) {
    await quiet();
    const stamps: Stamps = { t0: performance.now() };
    current = stamps;
    const handlerRan = new Promise<void>((resolve) => {
      started = resolve;
    });
    await client.enqueue('noop', {}, { queue: QUEUE });
    stamps.t1 = performance.now();
    await handlerRan;
    // Let the ack go out before the next quiet gap starts.
    await new Promise((resolve) => setTimeout(resolve, 2));
    current = undefined;
    if (i < 20 || stamps.t2 === undefined || stamps.t5 === undefined) continue;
    if (stamps.handed) handedSamples.push(stamps);
    else if (stamps.tArm !== undefined && stamps.t4 !== undefined) samples.push(stamps as Required<Stamps>);
  }
} finally {
  await worker.close();
  await driver.close();
  await deleteByPrefix(admin, `${prefix}:`);
  admin.disconnect();
}
const bare = await bareRoundTrips(target.url);

const row = (name: string, values: number[]) =>
  values.length === 0
    ? `| ${name} | – | – | – |`
    : `| ${name} | ${quantile(values, 0.5).toFixed(3)} | ${quantile(values, 0.9).toFixed(3)} | ${quantile(values, 0.99).toFixed(3)} |`;
const of = (f: (s: Required<Stamps>) => number) => samples.map(f);
const ofHanded = (f: (s: Required<Pick<Stamps, 't0' | 't1' | 't2' | 't5'>>) => number) =>
  handedSamples.map((s) => f(s as Required<Pick<Stamps, 't0' | 't1' | 't2' | 't5'>>));
const lines = [
  `${handedSamples.length} samples handed over with the wake-up, ${samples.length} through a reserve (of ${SAMPLES}; the others missed a stamp), ${IDLE_GAP_MS} ms of quiet before each`,
  '| segment | p50 ms | p90 ms | p99 ms |',
  '| --- | ---: | ---: | ---: |',
  row('handed over: enqueue call to its answer (t0→t1)', ofHanded((s) => s.t1 - s.t0)),
  row('handed over: enqueue call to the wake-up with the job (t0→t2)', ofHanded((s) => s.t2 - s.t0)),
  row('handed over: wake-up to handler (t2→t5)', ofHanded((s) => s.t5 - s.t2)),
  row('handed over: enqueue call to handler (t0→t5)', ofHanded((s) => s.t5 - s.t0)),
  row('enqueue call to its answer (t0→t1)', of((s) => s.t1 - s.t0)),
  row('enqueue call to the wake-up (t0→t2)', of((s) => s.t2 - s.t0)),
  row('wake-up to reserve call (t2→t3)', of((s) => s.t3 - s.t2)),
  row('  of which: wake-up to the next wait armed', of((s) => s.tArm - s.t2)),
  row('  of which: wait armed to reserve call', of((s) => s.t3 - s.tArm)),
  row('reserve round trip (t3→t4)', of((s) => s.t4 - s.t3)),
  row('reserve answer to handler (t4→t5)', of((s) => s.t5 - s.t4)),
  row('enqueue call to handler (t0→t5)', of((s) => s.t5 - s.t0)),
  row('bare PING after the same quiet', bare.ping),
  row('bare LPUSH to a waiting BLPOP', bare.pushToPop),
];
console.log(lines.join('\n'));
