/**
 * Helpers for the fault tests: worker child processes, the shared test
 * Redis (DB 14, a unique prefix per test, keys deleted with SCAN MATCH), a
 * private redis-server, and the checks every run ends with.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Admin, JobRecord } from '@taskharbor/core';
import { Redis } from 'ioredis';
import type { PgFaultWorkerConfig } from './fault-pg-worker.js';
import type { FaultWorkerConfig } from './fault-worker.js';

export const TEST_DB = 14;
export const LARGE = process.env.RELIABILITY_SIZE === 'large';
/** Per-test limit: CI size runs take 5-20 s; the large size gets 15 minutes. */
export const TEST_TIMEOUT_MS = LARGE ? 900_000 : 120_000;
export const REQUIRE_REDIS = process.env.TASKHARBOR_REQUIRE_REDIS === '1';

/** Retention that keeps every done job for the length of any test: the checks read each job's final record. */
export const KEEP_DONE_JOBS = { maxDoneCount: 1_000_000_000, maxDoneAgeMs: 1_000_000_000_000 };

/** The shared Redis from REDIS_URL, else REDIS_ADDR, else undefined. */
export function sharedRedisUrl(): string | undefined {
  const url = process.env.REDIS_URL;
  if (url !== undefined && url !== '') return url;
  const addr = process.env.REDIS_ADDR;
  if (addr !== undefined && addr !== '') return `redis://${addr}`;
  return undefined;
}

/** True when the shared-Redis tests should be skipped (no Redis configured and none required). */
export const SKIP_SHARED = sharedRedisUrl() === undefined && !REQUIRE_REDIS;

export function requireSharedRedisUrl(): string {
  const url = sharedRedisUrl();
  if (url === undefined) throw new Error('TASKHARBOR_REQUIRE_REDIS=1 but neither REDIS_URL nor REDIS_ADDR is set');
  return url;
}

export function uniqueName(kind: string): string {
  return `thfault-${kind}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function waitFor(what: string, deadlineMs: number, check: () => Promise<boolean> | boolean, everyMs = 100): Promise<void> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > until) throw new Error(`timed out after ${deadlineMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** Deletes every key under `prefix:` with SCAN MATCH (never FLUSHDB). */
export async function deleteKeys(redis: Redis, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== '0');
}

export interface WorkerEvent {
  pid: number;
  /** The worker's Date.now() when it wrote the event. */
  at: number;
  event: string;
  queue?: string;
  id?: string;
  token?: string;
  during?: string;
  code?: string;
  message?: string;
  /** `flowStart` events: the job's group, the probe's in-flight count and start number, and reserve's `now`. */
  group?: string;
  inflight?: number;
  seq?: number;
  reservedAt?: number;
  /** `start` events (PostgreSQL workers): the run's attempt and reclaims. */
  attempt?: number;
  reclaims?: number;
}

const WORKER_SCRIPT = fileURLToPath(new URL('./fault-worker.ts', import.meta.url));
const PG_WORKER_SCRIPT = fileURLToPath(new URL('./fault-pg-worker.ts', import.meta.url));
const PACKAGE_DIR = fileURLToPath(new URL('../..', import.meta.url));

/** One worker child process: on the Redis driver, or on PostgreSQL for a PgFaultWorkerConfig. */
export class FaultWorker {
  readonly child: ChildProcess;
  readonly events: WorkerEvent[] = [];
  readonly ready: Promise<void>;
  readonly exited: Promise<number | null>;
  /** Settles once the process exited and its stdout was read to the end (every event it wrote is in `events`). */
  readonly drained: Promise<void>;
  private stderr = '';

  constructor(config: FaultWorkerConfig | PgFaultWorkerConfig) {
    const script = 'connectionString' in config ? PG_WORKER_SCRIPT : WORKER_SCRIPT;
    this.child = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: PACKAGE_DIR,
      env: { ...process.env, FAULT_CONFIG: JSON.stringify(config) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let buffered = '';
    let markReady: () => void = () => {};
    let markFailed: (error: Error) => void = () => {};
    this.ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      markFailed = reject;
    });
    this.ready.catch(() => {}); // a worker killed before it was ready is not an error by itself
    this.child.stdout?.setEncoding('utf8');
    this.child.stdout?.on('data', (chunk: string) => {
      buffered += chunk;
      let newline = buffered.indexOf('\n');
      while (newline >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        newline = buffered.indexOf('\n');
        if (line.trim() === '') continue;
        try {
          const event = JSON.parse(line) as WorkerEvent;
          this.events.push(event);
          if (event.event === 'ready') markReady();
          if (event.event === 'fatal') markFailed(new Error(`worker ${this.pid} failed: ${event.message}`));
        } catch {
          // not ours (a stray log line)
        }
      }
    });
    this.child.stderr?.setEncoding('utf8');
    this.child.stderr?.on('data', (chunk: string) => {
      if (this.stderr.length < 20_000) this.stderr += chunk;
    });
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code) => {
        markFailed(new Error(`worker ${this.pid} exited (${code}) before it was ready: ${this.stderr}`));
        resolve(code);
      });
    });
    this.drained = new Promise((resolve) => this.child.once('close', () => resolve()));
    live.add(this);
    void this.exited.then(() => live.delete(this));
  }

  /** The handler starts this worker logged to stdout (PostgreSQL workers); complete once `drained` settled. */
  get starts(): StartEntry[] {
    return this.events
      .filter((event) => event.event === 'start')
      .map((event) => ({
        id: event.id as string,
        pid: event.pid,
        token: event.token as string,
        attempt: event.attempt as number,
        reclaims: event.reclaims as number,
        at: event.at,
      }));
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  get errorOutput(): string {
    return this.stderr;
  }

  /** SIGKILL, then wait for the exit. */
  async kill(): Promise<void> {
    if (this.alive) this.child.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM (graceful close), SIGKILL after `graceMs`. */
  async stop(graceMs = 5000): Promise<void> {
    if (!this.alive) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

const live = new Set<FaultWorker>();

/** Kills every worker child still running (afterAll / finally). */
export async function killAllWorkers(): Promise<void> {
  await Promise.all([...live].map((worker) => worker.kill()));
}

process.once('exit', () => {
  for (const worker of live) if (worker.alive) worker.child.kill('SIGKILL');
});

export interface StartEntry {
  id: string;
  pid: number;
  token: string;
  attempt: number;
  reclaims: number;
  /** The machine's clock when the handler started. */
  at: number;
}

export async function readStarts(redis: Redis, key: string): Promise<StartEntry[]> {
  const raw = await redis.lrange(key, 0, -1);
  return raw.map((line) => JSON.parse(line) as StartEntry);
}

/** inspect for many ids, 200 at a time. */
export async function inspectAll(driver: Admin, queue: string, ids: readonly string[]): Promise<Map<string, JobRecord | undefined>> {
  const records = new Map<string, JobRecord | undefined>();
  for (let i = 0; i < ids.length; i += 200) {
    const chunk = ids.slice(i, i + 200);
    const found = await Promise.all(chunk.map((id) => driver.inspect({ queue, id })));
    chunk.forEach((id, j) => {
      records.set(id, found[j]);
    });
  }
  return records;
}

export interface DeliveryReport {
  jobs: number;
  lost: string[];
  notDone: string[];
  unknownStarts: number;
  /** Jobs that started more than once. */
  duplicated: number;
  /** Extra starts (starts beyond one per job). */
  extraStarts: number;
  /**
   * Jobs with a start on a lease handed out after the acking run's lease (a
   * higher attempt, or the same attempt reclaimed more often): a job handed
   * out again after its ack. Starts are ordered by lease, not by the log, so
   * a stale holder that logs its start late, after a reclaimer took its lease
   * (clock skew), is a repeat, not a start after the ack.
   */
  startAfterAck: string[];
  /** Jobs whose final token matches no start. */
  ackWithoutStart: string[];
  /** Runs that did not ack (a later run did) by a process that was not killed. */
  unexplainedRepeats: { id: string; pid: number }[];
}

/**
 * Compares the start log with the stored records. A job's outcome is the
 * record (status done, final lease token); the run that acked is the start
 * with that token. Every other start of the job is a run that wrote nothing;
 * `unexplainedRepeats` lists those whose process was not in `killedPids`.
 */
export function checkDeliveries(
  ids: readonly string[],
  records: Map<string, JobRecord | undefined>,
  starts: readonly StartEntry[],
  killedPids: ReadonlySet<number>,
): DeliveryReport {
  const byId = new Map<string, StartEntry[]>();
  const known = new Set(ids);
  let unknownStarts = 0;
  for (const start of starts) {
    if (!known.has(start.id)) {
      unknownStarts++;
      continue;
    }
    const list = byId.get(start.id) ?? [];
    list.push(start);
    byId.set(start.id, list);
  }
  const report: DeliveryReport = {
    jobs: ids.length,
    lost: [],
    notDone: [],
    unknownStarts,
    duplicated: 0,
    extraStarts: 0,
    startAfterAck: [],
    ackWithoutStart: [],
    unexplainedRepeats: [],
  };
  for (const id of ids) {
    const record = records.get(id);
    if (record === undefined) {
      report.lost.push(id);
      continue;
    }
    if (record.status !== 'done') report.notDone.push(`${id}:${record.status}`);
    const list = byId.get(id) ?? [];
    if (list.length > 1) {
      report.duplicated++;
      report.extraStarts += list.length - 1;
    }
    const finalToken = record.lease?.token;
    const ackIndex = list.findIndex((start) => start.token === finalToken);
    if (ackIndex < 0) {
      report.ackWithoutStart.push(id);
      continue;
    }
    const acking = list[ackIndex] as StartEntry;
    if (list.some((start, i) => i !== ackIndex && leasedAfter(start, acking, i > ackIndex))) report.startAfterAck.push(id);
    list.forEach((start, i) => {
      if (i !== ackIndex && !killedPids.has(start.pid)) report.unexplainedRepeats.push({ id, pid: start.pid });
    });
  }
  return report;
}

/**
 * Whether `start` ran on a lease handed out after `acking`'s: leases of a job
 * are handed out in (attempt, reclaims) order; two starts with the same pair
 * (a release between them) are ordered by the log.
 */
function leasedAfter(start: StartEntry, acking: StartEntry, loggedLater: boolean): boolean {
  if (start.attempt !== acking.attempt) return start.attempt > acking.attempt;
  if (start.reclaims !== acking.reclaims) return start.reclaims > acking.reclaims;
  return loggedLater;
}

/** The start-log list of the workers under `prefix`. */
export function startsKeyOf(prefix: string): string {
  return `${prefix}:starts`;
}

/** The CLIENT SETNAME of the workers' driver connections under `prefix`. */
export function connectionNameOf(prefix: string): string {
  return `${prefix}-drv`;
}

/**
 * A worker configuration for the keys under `prefix` on `url`: the driver's
 * connection name and the start log follow from the prefix, and the start
 * log sits on the same Redis unless `logUrl` says otherwise.
 */
export function baseWorkerConfig(
  settings: Partial<Omit<FaultWorkerConfig, 'keyPrefix' | 'connectionName' | 'startsKey'>> & { url: string; prefix: string },
): FaultWorkerConfig {
  const { prefix, ...overrides } = settings;
  return {
    db: TEST_DB,
    queue: 'faults',
    leaseMs: 1000,
    concurrency: 4,
    logUrl: settings.url,
    logDb: TEST_DB,
    workMinMs: 10,
    workMaxMs: 30,
    keyPrefix: prefix,
    connectionName: connectionNameOf(prefix),
    startsKey: startsKeyOf(prefix),
    ...overrides,
  };
}

export function openShared(url: string): Redis {
  const redis = new Redis(url, { db: TEST_DB, connectionName: 'thfault-test' });
  redis.on('error', () => {});
  return redis;
}
