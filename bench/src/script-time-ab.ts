/**
 * A/B of the Redis driver's scripts by Redis's own time (INFO commandstats,
 * usec of EVALSHA), two builds alternated step by step, so the client's and
 * the machine's load stay out of the figure (mostly: Redis's time still
 * counts moments it waits for a CPU), and the commands the scripts ran per
 * job, which no load changes. Steps: enqueueMany of 1,000
 * plain jobs; reserve of 50 then ackMany of them (done kept). With
 * `--priorities` each job gets priority i % 10 (jobs without a group, so
 * the flow path's no-group priority structures); `--backlog=N` enqueues N
 * such jobs first, unmeasured, so reserve pops from a queue that holds
 * about N + 1,000 ready jobs throughout. Needs a Redis of its own (it runs
 * CONFIG RESETSTAT), e.g. `redis-server --port 6391 --save ''`.
 *
 *   REDIS_URL=redis://127.0.0.1:6391 tsx src/script-time-ab.ts --a=<dist dir> --b=<dist dir> [--rounds=20] [--max-attempts=3]
 *     [--priorities] [--backlog=17000]
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { newJobId } from '@taskharbor/core';
import type { RedisDriver } from '@taskharbor/driver-redis';
import { Redis } from 'ioredis';
import { deleteByPrefix } from './redis-stats.js';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const ROUNDS = Number(arg('rounds') ?? 20);
// 25, the default, is the usual job (data model 5 leaves the field out); 3 keeps max_attempts in the hash.
const MAX_ATTEMPTS = Number(arg('max-attempts') ?? 3);
const PRIORITIES = process.argv.includes('--priorities');
const BACKLOG = Number(arg('backlog') ?? 0);
const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6391';
const admin = new Redis(url);
const classes: (typeof RedisDriver)[] = [];
for (const dir of [arg('a'), arg('b')]) {
  if (dir === undefined) throw new Error('usage: tsx src/script-time-ab.ts --a=<dist dir> --b=<dist dir>');
  classes.push(((await import(pathToFileURL(resolve(dir, 'index.js')).href)) as { RedisDriver: typeof RedisDriver }).RedisDriver);
}
const drivers = await Promise.all(classes.map((Driver, i) => Driver.connect({ url, keyPrefix: `probe-script-ab-${i}` })));
const now = Date.now();
const makeJobs = (count: number) =>
  Array.from({ length: count }, (_, i) => ({
    id: newJobId(now),
    type: 'probe',
    queue: 'q',
    payload: new Uint8Array(100),
    createdAt: now,
    maxAttempts: MAX_ATTEMPTS,
    ...(PRIORITIES ? { priority: i % 10 } : {}),
  }));
for (const driver of drivers) {
  for (let done = 0; done < BACKLOG; done += 1000) await driver.enqueueMany(makeJobs(Math.min(1000, BACKLOG - done)), now);
}

const commands: Record<'enqueue' | 'cycle', [number, number]> = { enqueue: [0, 0], cycle: [0, 0] };

/** EVALSHA's usec since the reset; also adds the commands the scripts ran (every other command but INFO and CONFIG) to `into`. */
async function usec(into: [number, number], build: 0 | 1): Promise<number> {
  const info = await admin.info('commandstats');
  for (const match of info.matchAll(/cmdstat_([a-z|]+):calls=(\d+)/g)) {
    if (!['evalsha', 'eval', 'info', 'config|resetstat', 'config'].includes(match[1] as string)) into[build] += Number(match[2]);
  }
  return Number(/cmdstat_evalsha:calls=\d+,usec=(\d+)/.exec(info)?.[1] ?? 0);
}

const totals: Record<'enqueue' | 'cycle', [number, number]> = { enqueue: [0, 0], cycle: [0, 0] };
for (let round = 0; round < ROUNDS; round++) {
  for (const build of round % 2 === 0 ? ([0, 1] as const) : ([1, 0] as const)) {
    const driver = drivers[build] as RedisDriver;
    const jobs = makeJobs(1000);
    await admin.config('RESETSTAT');
    await driver.enqueueMany(jobs, now);
    totals.enqueue[build] += await usec(commands.enqueue, build);
    await admin.config('RESETSTAT');
    for (let i = 0; i < 20; i++) {
      const got = await driver.reserve({ queue: 'q', limit: 50, leaseMs: 60_000, now });
      await driver.ackMany(got.jobs.map((r) => r.lease), now);
    }
    totals.cycle[build] += await usec(commands.cycle, build);
  }
}
const per = (total: number, jobs: number) => total / jobs;
const n = ROUNDS * 1000;
console.log(`enqueueMany of 1,000: A ${per(totals.enqueue[0]!, n).toFixed(2)} µs/job, B ${per(totals.enqueue[1]!, n).toFixed(2)} µs/job, B/A ${(totals.enqueue[1]! / totals.enqueue[0]!).toFixed(3)}`);
console.log(`reserve 50 + ackMany: A ${per(totals.cycle[0]!, n).toFixed(2)} µs/job, B ${per(totals.cycle[1]!, n).toFixed(2)} µs/job, B/A ${(totals.cycle[1]! / totals.cycle[0]!).toFixed(3)}`);
console.log(`commands run by the scripts per job: enqueue A ${(commands.enqueue[0]! / n).toFixed(3)}, B ${(commands.enqueue[1]! / n).toFixed(3)}; reserve + ack A ${(commands.cycle[0]! / n).toFixed(3)}, B ${(commands.cycle[1]! / n).toFixed(3)}`);
for (const driver of drivers) await driver.close();
await deleteByPrefix(admin, 'probe-script-ab-');
admin.disconnect();
