/**
 * What flow control costs a worker: one driver, a Worker at concurrency C
 * running N no-op jobs of one queue, in three shapes, alternated round by
 * round in one process so load from elsewhere falls on all alike:
 *
 * - plain: no priority, no group, no limits (the path every queue had before);
 * - priorities: each job a priority from 0 to 9;
 * - groups: the jobs spread over G groups (default 1,000), each group active.
 *
 * Prints each shape's median jobs/s and its ratio to plain with the spread
 * over rounds, and where a job's time went: this process's CPU per job and,
 * on Redis, the server's CPU per job (INFO cpu; meaningful only on a Redis
 * that nothing else uses meanwhile). docs/benchmarks.md, "Flow control", has the command and
 * results. The plain-path comparison against the code before flow control is
 * ab-probe.ts's job.
 *
 * `--shapes=plain,priorities` runs only the shapes named (plain always runs: the ratios need it).
 *
 *   pnpm --filter @taskharbor/bench probe:flow --driver=redis|postgres|memory [--jobs=20000] [--concurrency=50] [--groups=1000] [--rounds=5] [--shapes=plain,priorities,groups]
 */
import { Client, type Driver, type EnqueueOptions } from '@taskharbor/core';
import { MemoryDriver } from '@taskharbor/driver-memory';
import { PostgresDriver } from '@taskharbor/driver-postgres';
import { RedisDriver } from '@taskharbor/driver-redis';
import { Worker } from '@taskharbor/worker';
import { Redis } from 'ioredis';
import { dropSchema, schemaFor } from './postgres-contenders.js';
import { deleteByPrefix, redisTarget, serverStats } from './redis-stats.js';
import { completionOf } from './completions.js';

const arg = (name: string, fallback: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const driverKind = arg('driver', 'redis');
const JOBS = Number(arg('jobs', '20000'));
const CONCURRENCY = Number(arg('concurrency', '50'));
const GROUPS = Number(arg('groups', '1000'));
const ROUNDS = Number(arg('rounds', '5'));
const QUEUE = 'flow';
const runId = Date.now().toString(36);

type Shape = 'plain' | 'priorities' | 'groups';
const ALL_SHAPES: readonly Shape[] = ['plain', 'priorities', 'groups'];
const named = arg('shapes', ALL_SHAPES.join(',')).split(',');
const SHAPES: readonly Shape[] = ALL_SHAPES.filter((shape) => shape === 'plain' || named.includes(shape));

function optionsFor(shape: Shape, i: number): EnqueueOptions {
  if (shape === 'priorities') return { queue: QUEUE, priority: i % 10 };
  if (shape === 'groups') return { queue: QUEUE, group: `g${i % GROUPS}` };
  return { queue: QUEUE };
}

interface Opened {
  driver: Driver;
  dispose(): Promise<void>;
}

async function openDriver(tag: string): Promise<Opened> {
  const retention = { maxDoneCount: 0, maxDoneAgeMs: Number.POSITIVE_INFINITY };
  if (driverKind === 'memory') {
    const driver = new MemoryDriver({ retention });
    return { driver, dispose: () => driver.close() };
  }
  if (driverKind === 'redis') {
    const target = redisTarget();
    const prefix = `bench-flow-${runId}-${tag}`;
    const driver = await RedisDriver.connect({ url: target.url, db: target.db, keyPrefix: prefix, retention });
    return {
      driver,
      async dispose() {
        await driver.close();
        const admin = new Redis({ host: target.host, port: target.port, db: target.db });
        await deleteByPrefix(admin, prefix);
        admin.disconnect();
      },
    };
  }
  if (driverKind === 'postgres') {
    const connectionString = process.env.DATABASE_URL;
    if (connectionString === undefined) throw new Error('set DATABASE_URL');
    const schema = schemaFor(`flow-${runId}-${tag}`);
    const driver = await PostgresDriver.connect({ connectionString, schema, retention });
    return {
      driver,
      async dispose() {
        await driver.close();
        await dropSchema(connectionString, schema);
      },
    };
  }
  throw new Error('--driver: redis, postgres or memory');
}

interface RunCost {
  rate: number;
  /** This process's CPU (user + system) per job, µs. */
  nodeUs: number;
  /** The Redis server's CPU per job, µs (NaN on other drivers). */
  serverUs: number;
}

async function redisCpuUsec(): Promise<number> {
  if (driverKind !== 'redis') return Number.NaN;
  const target = redisTarget();
  const redis = new Redis({ host: target.host, port: target.port, db: target.db });
  try {
    return (await serverStats(redis)).cpuUsec;
  } finally {
    redis.disconnect();
  }
}

/** One run of one shape: enqueue N jobs, then time a Worker from start to the last completion. */
async function runOnce(shape: Shape, round: number): Promise<RunCost> {
  const { driver, dispose } = await openDriver(`${shape}-${round}`);
  try {
    const client = new Client(driver);
    for (let i = 0; i < JOBS; i += 1000) {
      const count = Math.min(1000, JOBS - i);
      await client.enqueueMany(Array.from({ length: count }, (_, j) => ({ type: 'noop', payload: {}, options: optionsFor(shape, i + j) })));
    }
    const worker = new Worker(driver, { queues: [QUEUE], concurrency: CONCURRENCY });
    const finished = completionOf(worker, JOBS);
    worker.register('noop', async () => {});
    const serverBefore = await redisCpuUsec();
    const cpuBefore = process.cpuUsage();
    const t0 = performance.now();
    await worker.start();
    await finished;
    const elapsed = performance.now() - t0;
    const cpu = process.cpuUsage(cpuBefore);
    const serverUs = ((await redisCpuUsec()) - serverBefore) / JOBS;
    await worker.close();
    return { rate: JOBS / (elapsed / 1000), nodeUs: (cpu.user + cpu.system) / JOBS, serverUs };
  } finally {
    await dispose();
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

const costs = new Map<Shape, RunCost[]>(SHAPES.map((shape) => [shape, []]));
for (let round = 0; round < ROUNDS; round++) {
  // Rotate the order so that no shape always runs first (warm-up) or last.
  const order = SHAPES.map((_, i) => SHAPES[(i + round) % SHAPES.length] as Shape);
  for (const shape of order) costs.get(shape)?.push(await runOnce(shape, round));
}
const rates = new Map<Shape, number[]>(SHAPES.map((shape) => [shape, (costs.get(shape) as RunCost[]).map((cost) => cost.rate)]));

const plain = rates.get('plain') as number[];
console.log(`driver ${driverKind}, ${JOBS} jobs, concurrency ${CONCURRENCY}, ${GROUPS} groups, ${ROUNDS} rounds`);
for (const shape of SHAPES) {
  const values = rates.get(shape) as number[];
  const ratios = values.map((value, round) => value / (plain[round] as number));
  const spread = `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}`;
  const shapeCosts = costs.get(shape) as RunCost[];
  const nodeUs = median(shapeCosts.map((cost) => cost.nodeUs)).toFixed(1);
  const serverUs = median(shapeCosts.map((cost) => cost.serverUs)).toFixed(1);
  console.log(
    `${shape.padEnd(10)} ${median(values).toFixed(0).padStart(7)} jobs/s   ratio to plain ${median(ratios).toFixed(2)} (rounds ${spread})   CPU per job: node ${nodeUs} µs, server ${serverUs} µs`,
  );
}
