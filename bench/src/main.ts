/**
 * TaskHarbor against BullMQ and bee-queue on the same Redis (and TaskHarbor on
 * the memory driver where it applies), and, with DATABASE_URL set, TaskHarbor
 * on PostgreSQL against graphile-worker, pg-boss and BullMQ's PostgreSQL
 * backend on the same PostgreSQL. `pnpm bench` runs the full benchmark;
 * `--quick` runs every scenario once with tiny sizes (CI: proves the
 * benchmark still works, asserts nothing about speed). See docs/benchmarks.md.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { type Contender, type ContenderKind, contenderKinds, type JobData, type RunOptions, taskHarborWorkerOptions } from './contenders.js';
import { postgresKinds } from './postgres-contenders.js';
import { postgresCpuSeconds } from './postgres-cpu.js';
import { postgresVersion } from './postgres-version.js';
import { clientAddresses, monitorCommands, redisTarget, type StatsDelta, serverStats, settledUsedMemory, statsDelta, usedMemory } from './redis-stats.js';
import { formatTable, type Row, rowsOf } from './table.js';

const quick = process.argv.includes('--quick');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');

const sizes = quick
  ? { rounds: 1, enqueue: 300, process: 300, processC1: 100, latency: 30, memory: 1000, idleMs: 300 }
  : { rounds: 3, enqueue: 20_000, process: 20_000, processC1: 5_000, latency: 500, memory: 100_000, idleMs: 10_000 };
const roundsArg = process.argv.find((a) => a.startsWith('--rounds='));
if (roundsArg !== undefined) sizes.rounds = Number(roundsArg.slice('--rounds='.length));
// --process-jobs=N: the processing scenario's backlog at concurrency 50 and 200 (20,000 by default).
const processJobsArg = process.argv.find((a) => a.startsWith('--process-jobs='));
if (processJobsArg !== undefined) sizes.process = Number(processJobsArg.slice('--process-jobs='.length));
const prefetchArg = process.argv.find((a) => a.startsWith('--prefetch='));
if (prefetchArg !== undefined) taskHarborWorkerOptions.prefetch = Number(prefetchArg.slice('--prefetch='.length));
const CHUNK = 1000;
const IN_FLIGHT = 50;
const PROCESS_TIMEOUT_MS = 180_000;

// As in the Redis tests: the CI run (--quick) skips without a configured Redis unless TASKHARBOR_REQUIRE_REDIS=1.
const redisConfigured = Boolean(process.env.REDIS_URL || process.env.REDIS_ADDR);
if (quick && !redisConfigured && process.env.TASKHARBOR_REQUIRE_REDIS !== '1') {
  process.stdout.write('bench --quick skipped: set REDIS_URL (or REDIS_ADDR) to run it\n');
  process.exit(0);
}
// The same rule for PostgreSQL: with TASKHARBOR_REQUIRE_POSTGRES=1 (CI) the Postgres contenders must run.
const databaseUrl = process.env.DATABASE_URL || undefined;
if (databaseUrl === undefined && process.env.TASKHARBOR_REQUIRE_POSTGRES === '1') {
  process.stderr.write('bench: TASKHARBOR_REQUIRE_POSTGRES=1 but DATABASE_URL is not set\n');
  process.exit(1);
}
if (databaseUrl === undefined) process.stderr.write('bench: DATABASE_URL not set; the Postgres contenders do not run\n');
const target = redisTarget();
const admin = new Redis({ host: target.host, port: target.port, db: target.db, lazyConnect: true });
await admin.connect();
const pick = process.argv.find((a) => a.startsWith('--contenders='))?.slice('--contenders='.length).split(',');
const allKinds = [...contenderKinds(target, admin), ...(databaseUrl === undefined ? [] : postgresKinds(databaseUrl))];
const kinds = allKinds.filter((k) => pick === undefined || pick.includes(k.name));
const redisKinds = kinds.filter((k) => k.redis);
const runId = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
let queueCounter = 0;
const nextPrefix = (name: string) => `bench-${runId}-${name}-${queueCounter++}`;

/** results[row][contender] = one value per round. */
const results = new Map<string, Map<string, number[]>>();
const extra: Record<string, unknown[]> = {};
const rowMeta = new Map<string, { unit: string; better: 'higher' | 'lower' }>();

function record(row: string, contender: string, value: number, unit: string, better: 'higher' | 'lower'): void {
  rowMeta.set(row, { unit, better });
  let byContender = results.get(row);
  if (byContender === undefined) {
    byContender = new Map();
    results.set(row, byContender);
  }
  const values = byContender.get(contender) ?? [];
  values.push(value);
  byContender.set(contender, values);
}

function log(message: string): void {
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`);
}

async function withContender<T>(kind: ContenderKind, options: RunOptions, body: (c: Contender) => Promise<T>): Promise<T> {
  const contender = await kind.create(options, nextPrefix(kind.name));
  try {
    return await body(contender);
  } finally {
    await contender.close();
  }
}

const noop: JobData = {};
const payloads = (n: number, data: JobData = noop) => Array.from({ length: n }, () => data);

async function enqueueBulk(c: Contender, n: number, data: JobData = noop): Promise<void> {
  for (let done = 0; done < n; done += CHUNK) await c.enqueueBulk(payloads(Math.min(CHUNK, n - done), data));
}

function shouldRun(scenario: string): boolean {
  return only === undefined || only.includes(scenario);
}

/**
 * The quick run keeps the Postgres contenders brief (each costs a schema
 * migration per queue, and single writes wait for a commit each): every code
 * path once — single and bulk enqueue, a worker at concurrency 50 in both
 * retention modes, a few latency samples — and no idle run.
 */
const quickPostgres = (kind: ContenderKind) => quick && kind.group === 'postgres';

// ---- 1. enqueue ----
async function scenarioEnqueue(): Promise<void> {
  for (let round = 0; round < sizes.rounds; round++) {
    for (const kind of kinds) {
      await withContender(kind, { removeDone: true }, async (c) => {
        // On PostgreSQL each single enqueue waits for its own commit (a WAL flush): 2,000 keep a round near ten seconds.
        const n = kind.group === 'postgres' ? (quick ? 50 : 2_000) : sizes.enqueue;
        let next = 0;
        const t0 = performance.now();
        const lane = async () => {
          while (next < n) {
            next++;
            await c.enqueueOne(noop);
          }
        };
        await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
        const one = n / ((performance.now() - t0) / 1000);
        record('1. enqueue one at a time, 50 in flight', kind.name, one, 'jobs/s', 'higher');
      });
      await withContender(kind, { removeDone: true }, async (c) => {
        const t0 = performance.now();
        await enqueueBulk(c, sizes.enqueue);
        const bulk = sizes.enqueue / ((performance.now() - t0) / 1000);
        record('1. enqueue bulk, chunks of 1000', kind.name, bulk, 'jobs/s', 'higher');
      });
      log(`enqueue round ${round + 1} ${kind.name} done`);
    }
  }
}

// ---- 2 + 4. processing, with the Redis cost per job ----
async function processOnce(kind: ContenderKind, concurrency: number, nominal: number, removeDone: boolean): Promise<void> {
  if (removeDone ? kind.removesDone === false : kind.keepsDone === false) return;
  const n = kind.processJobs?.(concurrency, nominal, quick) ?? nominal;
  await withContender(kind, { removeDone }, async (c) => {
    await enqueueBulk(c, n);
    let done = 0;
    let finish: () => void = () => {};
    const finished = new Promise<void>((resolve) => {
      finish = resolve;
    });
    await c.prepareWorker(
      concurrency,
      () => {},
      () => {
        done++;
        if (done === n) finish();
      },
    );
    const before = kind.redis ? await serverStats(admin) : undefined;
    const postgres = kind.group === 'postgres';
    const cpu0 = process.cpuUsage();
    const postgresCpu0 = postgres ? postgresCpuSeconds() : Number.NaN;
    const t0 = performance.now();
    c.startWorker();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      finished,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${kind.name}: ${done}/${n} jobs after ${PROCESS_TIMEOUT_MS} ms`)), PROCESS_TIMEOUT_MS);
      }),
    ]);
    clearTimeout(timer);
    await c.settled?.();
    const elapsed = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const postgresCpu = postgres ? postgresCpuSeconds() - postgresCpu0 : Number.NaN;
    const after = kind.redis ? await serverStats(admin) : undefined;
    await c.stopWorker();
    const mode = removeDone ? 'done removed' : 'done kept';
    record(`2. process ${nominal} jobs, concurrency ${concurrency}, ${mode}`, kind.name, n / (elapsed / 1000), 'jobs/s', 'higher');
    if (postgres && !Number.isNaN(postgresCpu)) {
      // CPU while the jobs ran: this process (the worker and the bench), and every local PostgreSQL process.
      const label = `concurrency ${concurrency}, ${mode}`;
      record(`2. Node CPU µs per job, ${label}`, kind.name, (cpu.user + cpu.system) / n, 'µs', 'lower');
      record(`2. PostgreSQL CPU µs per job, ${label}`, kind.name, (postgresCpu * 1e6) / n, 'µs', 'lower');
    }
    if (before !== undefined && after !== undefined) {
      const delta: StatsDelta = statsDelta(before, after);
      const label = `concurrency ${concurrency}, ${mode}`;
      record(`4. Redis command µs per job (commandstats), ${label}`, kind.name, delta.commandUsec / n, 'µs', 'lower');
      record(`4. Redis server CPU µs per job (used_cpu), ${label}`, kind.name, delta.cpuUsec / n, 'µs', 'lower');
      record(`4. Redis commands per job, ${label}`, kind.name, delta.calls / n, 'cmds', 'lower');
      const breakdown = extra[`commands ${kind.name} ${label}`] ?? [];
      breakdown.push(delta.perCommand);
      extra[`commands ${kind.name} ${label}`] = breakdown;
    }
  });
}

async function scenarioProcess(): Promise<void> {
  const cases: [number, number][] = [
    [50, sizes.process],
    [200, sizes.process],
    [1, sizes.processC1],
  ];
  for (const removeDone of [true, false]) {
    for (const [concurrency, n] of cases) {
      for (let round = 0; round < sizes.rounds; round++) {
        for (const kind of kinds) {
          if (quickPostgres(kind) && concurrency !== 50) continue;
          await processOnce(kind, concurrency, n, removeDone);
        }
        log(`process c${concurrency} ${removeDone ? 'removed' : 'kept'} round ${round + 1} done`);
      }
    }
  }
}

// ---- 3. add-to-start latency ----
function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

/**
 * Each contender is measured both ways. Idle: the next job is enqueued 10 ms
 * after the previous one completed, so the worker has gone back to waiting
 * (a blocking read, LISTEN or its poll) when the job arrives: what a queue
 * that is idle most of the time feels. Hot: the next job follows at once,
 * while the worker is still in its loop. The Postgres contenders are
 * measured idle only (hot, pg-boss's poll alone would decide the row).
 *
 * Before the rounds, each Redis contender runs LATENCY_WARMUP_JOBS hot jobs
 * once, unrecorded, so its code has been through the JIT as in a service that
 * has been up a while: without it, the first rounds measured the compiler
 * too (background compiles on a 2-core machine stall a pickup by 1-4 ms),
 * and the library with the longest path paid for it longest. Every run also
 * starts with RUN_WARMUP_JOBS of its own shape, for what a new connection
 * does once. The Postgres contenders poll, so their warm-up would take
 * minutes; they get the run's own only.
 */
const IDLE_GAP_MS = 10;
const LATENCY_WARMUP_JOBS = quick ? 30 : 3000;
const RUN_WARMUP_JOBS = quick ? 3 : 20;

type LatencyMode = 'idle' | 'hot';

/** What follows a completion before the next job: IDLE_GAP_MS of quiet, or one turn of the event loop. */
function latencyGap(mode: LatencyMode): Promise<unknown> {
  return mode === 'idle' ? new Promise((r) => setTimeout(r, IDLE_GAP_MS)) : new Promise((r) => setImmediate(r));
}

/** One latency run: the run's warm-up, then `samples` recorded jobs; with `warmUpOnly`, LATENCY_WARMUP_JOBS and nothing recorded. */
async function latencyRun(kind: ContenderKind, mode: LatencyMode, warmUpOnly = false): Promise<void> {
  const samples = warmUpOnly ? 0 : Math.min(kind.latencyJobs?.(sizes.latency, quick) ?? sizes.latency, quickPostgres(kind) ? 10 : Number.POSITIVE_INFINITY);
  await withContender(kind, { removeDone: true }, async (c) => {
    const latencies: number[] = [];
    let onDone: () => void = () => {};
    await c.prepareWorker(
      1,
      (data) => {
        if (data.t !== undefined) latencies.push(performance.now() - data.t);
      },
      () => onDone(),
    );
    c.startWorker();
    // One job after another: `t` is stamped just before the enqueue call; warm-up jobs carry none.
    const oneJob = async (stamped: boolean) => {
      const completed = new Promise<void>((resolve) => {
        onDone = resolve;
      });
      await c.enqueueOne(stamped ? { t: performance.now() } : {});
      await completed;
      await latencyGap(mode);
    };
    for (let i = 0; i < (warmUpOnly ? LATENCY_WARMUP_JOBS : RUN_WARMUP_JOBS); i++) await oneJob(false);
    if (warmUpOnly) {
      await c.stopWorker();
      return;
    }
    await new Promise((r) => setTimeout(r, 200)); // let the worker go idle
    for (let i = 0; i < samples; i++) await oneJob(true);
    await c.stopWorker();
    latencies.sort((a, b) => a - b);
    for (const p of [50, 95, 99]) {
      const row = mode === 'idle' ? `3. add-to-start latency p${p}, idle worker (${IDLE_GAP_MS} ms gap)` : `3. add-to-start latency p${p}, hot worker`;
      record(row, kind.name, percentile(latencies, p), 'ms', 'lower');
    }
  });
}

async function scenarioLatency(): Promise<void> {
  for (const kind of kinds) {
    if (kind.group !== 'postgres') await latencyRun(kind, 'hot', true);
  }
  log('latency warm-up done');
  for (let round = 0; round < sizes.rounds; round++) {
    for (const kind of kinds) {
      await latencyRun(kind, 'idle');
      if (kind.group !== 'postgres') await latencyRun(kind, 'hot');
    }
    log(`latency round ${round + 1} done`);
  }
}

// ---- 5. memory per waiting job ----
/**
 * Two payloads: `{"i":<n>}` (a few bytes, so every library keeps a job's
 * hash in Redis's compact listpack encoding) and 100 bytes of JSON (over
 * the 64-byte listpack value limit, so the hashes are hash tables). Both
 * read `used_memory` settled (see settledUsedMemory); the 100-byte run also
 * records the reading taken at once after the last write, the method used
 * before, which counts transient allocations too.
 */
async function scenarioMemory(): Promise<void> {
  const padded: JobData = { pad: 'x'.repeat(91) }; // {"pad":"xxx…"} is 100 bytes of JSON
  const row = (what: string) => `5. Redis memory per waiting job (${what})`;
  for (let round = 0; round < sizes.rounds; round++) {
    for (const kind of redisKinds) {
      for (const payload of ['i', 'padded'] as const) {
        await withContender(kind, { removeDone: true }, async (c) => {
          await c.enqueueBulk(payloads(1, payload === 'i' ? { i: 0 } : padded)); // creates the queue's own fixed keys first
          const before = await settledUsedMemory(admin);
          for (let done = 0; done < sizes.memory; done += CHUNK) {
            const n = Math.min(CHUNK, sizes.memory - done);
            await c.enqueueBulk(payload === 'i' ? Array.from({ length: n }, (_, k) => ({ i: done + k + 1 })) : payloads(n, padded));
          }
          const atOnce = await usedMemory(admin);
          const settled = await settledUsedMemory(admin);
          if (payload === 'i') {
            record(row('payload {i}, settled'), kind.name, (settled - before) / sizes.memory, 'bytes', 'lower');
          } else {
            record(row('100-byte payload, settled'), kind.name, (settled - before) / sizes.memory, 'bytes', 'lower');
            record(row('100-byte payload, read at once'), kind.name, (atOnce - before) / sizes.memory, 'bytes', 'lower');
          }
        });
      }
    }
    log(`memory round ${round + 1} done`);
  }
}

// ---- 6. idle cost ----
async function scenarioIdle(): Promise<void> {
  for (let round = 0; round < sizes.rounds; round++) {
    for (const kind of kinds) {
      if (quickPostgres(kind)) continue;
      // Taken before the contender connects, so every connection it opens (TaskHarbor's worker
      // shares the client's driver connection) counts as its own.
      const clientsBefore = kind.redis ? await clientAddresses(admin) : new Map<string, string>();
      await withContender(kind, { removeDone: true }, async (c) => {
        await c.prepareWorker(1, () => {}, () => {});
        c.startWorker();
        await new Promise((r) => setTimeout(r, 500));
        let monitor: Awaited<ReturnType<typeof monitorCommands>> | undefined;
        if (kind.redis) {
          const clientsAfter = await clientAddresses(admin);
          const addresses = new Set<string>();
          for (const [id, addr] of clientsAfter) if (!clientsBefore.has(id)) addresses.add(addr);
          monitor = await monitorCommands(target, addresses);
        }
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        await new Promise((r) => setTimeout(r, sizes.idleMs));
        const cpu = process.cpuUsage(cpu0);
        const elapsed = performance.now() - t0;
        const commands = monitor?.count() ?? 0;
        monitor?.stop();
        await c.stopWorker();
        const cpuPercent = ((cpu.user + cpu.system) / 1000 / elapsed) * 100;
        record('6. idle worker: CPU, % of one core', kind.name, cpuPercent, '%', 'lower');
        if (kind.redis) record('6. idle worker: commands sent per 10 s', kind.name, (commands * 10_000) / elapsed, 'cmds', 'lower');
      });
    }
    log(`idle round ${round + 1} done`);
  }
}

// ---- run ----
const started = new Date();
log(`bench ${quick ? '(quick) ' : ''}on ${target.host}:${target.port} db ${target.db}, run ${runId}, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
const scenarios: [string, () => Promise<void>][] = [
  ['enqueue', scenarioEnqueue],
  ['process', scenarioProcess],
  ['latency', scenarioLatency],
  ['memory', scenarioMemory],
  ['idle', scenarioIdle],
];
try {
  for (const [name, run] of scenarios) {
    if (!shouldRun(name)) continue;
    log(`scenario ${name}`);
    await run();
  }
} finally {
  admin.disconnect();
}

const scenarioNumber = (name: string) => Number.parseInt(name, 10);
const rows: Row[] = [...results]
  .sort(([a], [b]) => scenarioNumber(a) - scenarioNumber(b))
  .map(([name, byContender]) => {
  const meta = rowMeta.get(name) ?? { unit: '', better: 'higher' as const };
  return { name, unit: meta.unit, better: meta.better, values: Object.fromEntries(byContender) };
});
const tables = [
  { group: 'redis', ours: 'taskharbor', peers: ['bullmq', 'bee-queue'] },
  { group: 'postgres', ours: 'taskharbor-postgres', peers: ['graphile-worker', 'bullmq-postgres', 'pg-boss'] },
] as const;
for (const table of tables) {
  const names = kinds.filter((k) => k.group === table.group).map((k) => k.name);
  const groupRows = rowsOf(rows, names);
  if (groupRows.length > 0) process.stdout.write(`${formatTable(groupRows, names, table.ours, [...table.peers])}\n\n`);
}

const here = dirname(fileURLToPath(import.meta.url));
const benchRoot = join(here, '..');
const versions = (name: string) => {
  try {
    return (JSON.parse(readFileSync(join(benchRoot, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
};
const redisInfo = await (async () => {
  const r = new Redis({ host: target.host, port: target.port, lazyConnect: true });
  await r.connect();
  const text = await r.info('server');
  r.disconnect();
  return /redis_version:(\S+)/.exec(text)?.[1] ?? 'unknown';
})();
const report = {
  startedAt: started.toISOString(),
  finishedAt: new Date().toISOString(),
  quick,
  sizes,
  taskharborWorker: taskHarborWorkerOptions,
  machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryBytes: totalmem(), node: process.version, loadAvgAtEnd: loadavg() },
  versions: {
    redis: redisInfo,
    bullmq: versions('bullmq'),
    'bee-queue': versions('bee-queue'),
    ioredis: versions('ioredis'),
    ...(databaseUrl === undefined
      ? {}
      : {
          postgres: await postgresVersion(databaseUrl),
          pg: versions('pg'),
          'graphile-worker': versions('graphile-worker'),
          'pg-boss': versions('pg-boss'),
        }),
  },
  rows,
  commandBreakdown: extra,
};
const outDir = join(benchRoot, 'bench-results');
mkdirSync(outDir, { recursive: true });
const outFile = join(outDir, `${started.toISOString().replace(/[:.]/g, '-')}${quick ? '-quick' : ''}.json`);
writeFileSync(outFile, `${JSON.stringify(report, null, 2)}\n`);
log(`wrote ${outFile}`);
process.exit(0);
