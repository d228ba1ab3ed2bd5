/**
 * A/B of the Postgres driver's ack between builds, in one process: each
 * step enqueues N jobs on the build's own schema, reserves them all, then
 * times acking them through `driver.ack`, C at a time (each ack its own
 * statement, as a worker sends them). Builds take turns step by step, the
 * order rotated and reversed every round, so load from other processes
 * falls on all of them alike. Prints per build the median ms a step and µs
 * an ack, and per build after the first the ratio to the first computed
 * round by round (paired), as median [q25, q75], with the load average.
 * docs/benchmarks.md ("Observability and the ack") has the command and results.
 *
 *   DATABASE_URL=postgres://… tsx src/postgres-ack-ab.ts --build=NAME=DIR --build=NAME=DIR [--jobs=1000] [--concurrency=8] [--rounds=20] [--warm=2]
 *
 * DIR is a checkout whose driver is built (DIR/packages/driver-postgres/dist/index.js).
 */
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Lease, newJobId } from '@taskharbor/core';
import type { PostgresDriver } from '@taskharbor/driver-postgres';
import { dropSchema, schemaFor } from './postgres-contenders.js';
import { quantile, runInTurns, spread } from './turns.js';

const arg = (name: string, fallback: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const JOBS = Number(arg('jobs', '1000'));
const CONCURRENCY = Number(arg('concurrency', '8'));
const ROUNDS = Number(arg('rounds', '20'));
const WARM = Number(arg('warm', '2'));
const specs = process.argv.filter((a) => a.startsWith('--build=')).map((a) => a.slice('--build='.length));
if (specs.length < 2) throw new Error('usage: tsx src/postgres-ack-ab.ts --build=NAME=DIR --build=NAME=DIR [...] (see the head of this file)');
const connectionString = process.env.DATABASE_URL;
if (connectionString === undefined) throw new Error('set DATABASE_URL');

interface Build {
  name: string;
  driver: PostgresDriver;
  schema: string;
  /** ms of acking JOBS jobs, one per measured round. */
  steps: number[];
}

const runId = Date.now().toString(36);
const builds: Build[] = [];
for (const spec of specs) {
  const [name, dir] = spec.split('=') as [string, string | undefined];
  if (dir === undefined) throw new Error(`--build=${spec}: expected NAME=DIR`);
  const module = await import(pathToFileURL(resolve(dir, 'packages', 'driver-postgres', 'dist', 'index.js')).href);
  const schema = schemaFor(`ackab_${runId}_${builds.length}`);
  const driver: PostgresDriver = await module.PostgresDriver.connect({ connectionString, schema, poolSize: CONCURRENCY + 2 });
  builds.push({ name, driver, schema, steps: [] });
}

let clock = Date.UTC(2030, 0, 1);

async function step(build: Build): Promise<number> {
  const queue = 'probe';
  clock += 1000;
  const now = clock;
  const jobs = Array.from({ length: JOBS }, () => ({
    id: newJobId(now),
    type: 'probe',
    queue,
    payload: Uint8Array.of(1),
    createdAt: now,
    maxAttempts: 3,
  }));
  for (let i = 0; i < JOBS; i += 1000) await build.driver.enqueueMany(jobs.slice(i, i + 1000), now);
  const leases: Lease[] = [];
  while (leases.length < JOBS) {
    const { jobs: reserved } = await build.driver.reserve({ queue, limit: 1000, leaseMs: 600_000, now });
    leases.push(...reserved.map((r) => r.lease));
  }
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < leases.length) {
        const lease = leases[next++];
        if (lease !== undefined) await build.driver.ack(lease, now + 1);
      }
    }),
  );
  return performance.now() - started;
}


const loadBefore = loadavg();
try {
  const kept = await runInTurns(builds, ROUNDS, WARM, step);
  for (const build of builds) build.steps.push(...(kept.get(build) ?? []));
} finally {
  for (const build of builds) {
    await build.driver.close();
    await dropSchema(connectionString, build.schema);
  }
}
const loadAfter = loadavg();

const fixed = (value: number, digits: number) => value.toFixed(digits);
const lines = [
  `ack of ${JOBS} jobs a step, ${CONCURRENCY} at a time, ${ROUNDS} rounds (+${WARM} warm-up); load average ${loadBefore.map((x) => fixed(x, 2)).join(' ')} at start, ${loadAfter.map((x) => fixed(x, 2)).join(' ')} at end`,
];
const first = builds[0] as Build;
for (const build of builds) {
  const perAck = build.steps.map((ms) => (ms * 1000) / JOBS);
  let line = `${build.name}: ${fixed(quantile(build.steps, 0.5), 0)} ms a step, ${fixed(quantile(perAck, 0.5), 1)} µs an ack`;
  if (build !== first) line += `; time ratio to ${first.name} ${spread(build.steps.map((ms, i) => ms / (first.steps[i] as number)))}`;
  lines.push(line);
}
console.log(lines.join('\n'));
