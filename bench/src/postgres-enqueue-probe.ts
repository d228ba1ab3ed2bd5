/**
 * Enqueue on PostgreSQL, TaskHarbor against graphile-worker, in one
 * process: each step enqueues N jobs in chunks of 1,000 (`enqueueMany`
 * against `addJobs`), then S jobs one at a time with F in flight (`enqueue`
 * against `addJob`), as the benchmark's scenario 1 does. Every side has its
 * own schema, emptied after each step outside the clock, so every step
 * starts from an empty table. Sides take turns step by step (order rotated
 * and reversed every round). Prints per side the median jobs/s of each
 * kind, and per TaskHarbor side its speed ratio to graphile-worker (that
 * step's graphile time over its own, paired round by round) as median
 * [q25, q75], with the load average. docs/benchmarks.md has the results.
 *
 *   DATABASE_URL=postgres://… pnpm --filter @taskharbor/bench probe:postgres-enqueue [--jobs=20000] [--single=2000] [--in-flight=50] [--rounds=5] [--warm=1] [--build=NAME=DIR ...]
 *
 * Each --build adds a TaskHarbor side whose driver comes from another
 * checkout (DIR/packages/driver-postgres/dist/index.js, built), to compare
 * builds under the same load.
 */
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client } from '@taskharbor/core';
import type { PostgresDriver } from '@taskharbor/driver-postgres';
import pg from 'pg';
import { type Contender, type JobData, taskHarborContender } from './contenders.js';
import { dropSchema, postgresKinds, schemaFor } from './postgres-contenders.js';
import { quantile, runInTurns, spread } from './turns.js';

const arg = (name: string, fallback: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const JOBS = Number(arg('jobs', '20000'));
const SINGLE = Number(arg('single', '2000'));
const IN_FLIGHT = Number(arg('in-flight', '50'));
const ROUNDS = Number(arg('rounds', '5'));
const WARM = Number(arg('warm', '1'));
const CHUNK = 1000;
const connectionString = process.env.DATABASE_URL;
if (connectionString === undefined) throw new Error('set DATABASE_URL');

interface Side {
  name: string;
  contender: Contender;
  /** The table the side's jobs go to, emptied after each step. */
  table: string;
  close: () => Promise<void>;
}

interface Step {
  bulkMs: number;
  singleMs: number;
}

const runId = Date.now().toString(36);
const admin = new pg.Pool({ connectionString, max: 1 });
const sides: Side[] = [];

async function openKind(kindName: string, table: string): Promise<Side> {
  const kind = postgresKinds(connectionString as string).find((k) => k.name === kindName);
  if (kind === undefined) throw new Error(`no contender ${kindName}`);
  const prefix = `enqprobe_${runId}_${sides.length}`;
  const contender = await kind.create({ removeDone: true }, prefix);
  return { name: kindName, contender, table: `"${schemaFor(prefix)}".${table}`, close: () => contender.close() };
}

async function openBuild(name: string, dir: string): Promise<Side> {
  const module = await import(pathToFileURL(resolve(dir, 'packages', 'driver-postgres', 'dist', 'index.js')).href);
  const schema = schemaFor(`enqprobe_${runId}_${sides.length}`);
  // The same pool size as the benchmark's TaskHarbor contender.
  const driver: PostgresDriver = await module.PostgresDriver.connect({ connectionString, schema, poolSize: 20 });
  const contender = taskHarborContender(driver, new Client(driver));
  return {
    name,
    contender,
    table: `"${schema}".jobs`,
    close: async () => {
      await contender.close();
      await driver.close();
      await dropSchema(connectionString as string, schema);
    },
  };
}

const noop: JobData = {};

async function step(side: Side): Promise<Step> {
  const c = side.contender;
  let t0 = performance.now();
  for (let done = 0; done < JOBS; done += CHUNK) {
    await c.enqueueBulk(Array.from({ length: Math.min(CHUNK, JOBS - done) }, () => noop));
  }
  const bulkMs = performance.now() - t0;
  let next = 0;
  t0 = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < SINGLE) {
        next++;
        await c.enqueueOne(noop);
      }
    }),
  );
  const singleMs = performance.now() - t0;
  await admin.query(`TRUNCATE ${side.table}`);
  return { bulkMs, singleMs };
}

const loadBefore = loadavg();
let kept: Map<Side, Step[]>;
try {
  sides.push(await openKind('taskharbor-postgres', 'jobs'));
  sides[0] = { ...(sides[0] as Side), name: 'taskharbor' };
  sides.push(await openKind('graphile-worker', '_private_jobs'));
  for (const spec of process.argv.filter((a) => a.startsWith('--build=')).map((a) => a.slice('--build='.length))) {
    const [name, dir] = spec.split('=') as [string, string | undefined];
    if (dir === undefined) throw new Error(`--build=${spec}: expected NAME=DIR`);
    sides.push(await openBuild(`taskharbor ${name}`, dir));
  }
  kept = await runInTurns(sides, ROUNDS, WARM, step);
} finally {
  for (const side of sides) await side.close();
  await admin.end();
}
const loadAfter = loadavg();

const fixed = (value: number, digits: number) => value.toFixed(digits);
const graphile = kept.get(sides[1] as Side) as Step[];
const lines = [
  `bulk: ${JOBS} jobs in chunks of ${CHUNK}; single: ${SINGLE} jobs, ${IN_FLIGHT} in flight; ${ROUNDS} rounds (+${WARM} warm-up); load average ${loadBefore.map((x) => fixed(x, 2)).join(' ')} at start, ${loadAfter.map((x) => fixed(x, 2)).join(' ')} at end`,
];
for (const side of sides) {
  const steps = kept.get(side) as Step[];
  const bulkRate = quantile(
    steps.map((s) => JOBS / (s.bulkMs / 1000)),
    0.5,
  );
  const singleRate = quantile(
    steps.map((s) => SINGLE / (s.singleMs / 1000)),
    0.5,
  );
  // --single=0 leaves the single enqueue out.
  const singleText = (ratios: number[]) => (SINGLE > 0 ? `, single ${spread(ratios)}` : '');
  let line = `${side.name}: bulk ${fixed(bulkRate, 0)} jobs/s${SINGLE > 0 ? `, single ${fixed(singleRate, 0)} jobs/s` : ''}`;
  if (side !== sides[1]) {
    const bulk = steps.map((s, i) => (graphile[i] as Step).bulkMs / s.bulkMs);
    const single = steps.map((s, i) => (graphile[i] as Step).singleMs / s.singleMs);
    line += `; speed ratio to graphile-worker: bulk ${spread(bulk)}${singleText(single)}`;
  }
  if (side !== sides[0] && side !== sides[1]) {
    const first = kept.get(sides[0] as Side) as Step[];
    const bulk = steps.map((s, i) => s.bulkMs / (first[i] as Step).bulkMs);
    const single = steps.map((s, i) => s.singleMs / (first[i] as Step).singleMs);
    line += `; speed ratio of taskharbor to it: bulk ${spread(bulk)}${singleText(single)}`;
  }
  lines.push(line);
}
console.log(lines.join('\n'));
