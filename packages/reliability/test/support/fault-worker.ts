/**
 * A worker process for the fault tests. The parent starts it with
 * `node --import tsx fault-worker.ts` and the configuration as JSON in
 * FAULT_CONFIG, kills it, and reads its stdout (one JSON object per line).
 *
 * Every handler first appends `{ id, pid, token, attempt, reclaims, at }` to the
 * start log (a Redis list on the shared test Redis, on a connection of its
 * own, never the driver's), then works. The outcome itself is not logged
 * here: the tests read it from the job record (status, final lease token).
 */
import { type Clock, RetryPolicy, systemClock, UnrecoverableError } from '@taskharbor/core';
import { type LeaseClock, RedisDriver } from '@taskharbor/driver-redis';
import { Worker } from '@taskharbor/worker';
import { Redis } from 'ioredis';

export interface FaultWorkerConfig {
  /** The Redis the driver uses (the shared one, a proxy, or a test server). */
  url: string;
  db: number;
  keyPrefix: string;
  queue: string;
  leaseMs: number;
  concurrency: number;
  /** CLIENT SETNAME of the driver's connections (ioredis `connectionName`). */
  connectionName: string;
  /** Where the start log lives (always the shared Redis). */
  logUrl: string;
  logDb: number;
  startsKey: string;
  workMinMs: number;
  workMaxMs: number;
  /** How long the `stall-*` handlers block the event loop on a job's first run. */
  stallMs?: number;
  /** `work` jobs throw on attempt 1 and succeed on attempt 2. */
  failFirstAttempt?: boolean;
  maxReclaims?: number;
  /** How far this worker's clock runs ahead of the machine's (ms; negative: behind). */
  clockSkewMs?: number;
  /** The driver's leaseClock option. */
  leaseClock?: LeaseClock;
  /** The worker's heartbeatMs (default a third of leaseMs). */
  heartbeatMs?: number;
  /** The worker's cancelPush: false leaves the heartbeat as the only way a cancel arrives. */
  cancelPush?: boolean;
  /** Set: the driver connects to this Redis Cluster (url and db are then unused). */
  clusterNodes?: { host: string; port: number }[];
  /** Several queues, shared by equal weight; default [queue]. */
  queues?: string[];
  /** The driver's commandTimeoutMs option. */
  commandTimeoutMs?: number;
  /** Set: the driver finds its master through these Sentinels (url then gives only the db). */
  sentinel?: { sentinels: { host: string; port: number }[]; name: string };
  /** The driver's replicas option (replicated acknowledgment). */
  replicas?: { count: number; timeoutMs: number };
}

/** `hold` jobs run until their signal aborts, or this long at most. */
const HOLD_MAX_MS = 60_000;

/** The machine's clock moved by `skewMs`, as on a host whose time is off; timers are unchanged. */
function skewedClock(skewMs: number): Clock {
  return {
    now: () => systemClock.now() + skewMs,
    setTimeout: (callback, ms) => systemClock.setTimeout(callback, ms),
    clearTimeout: (handle) => systemClock.clearTimeout(handle),
  };
}

function out(event: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ pid: process.pid, at: Date.now(), ...event })}\n`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function busyWait(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // Blocks the event loop: no timer, heartbeat or reply is handled meanwhile.
  }
}

async function main(): Promise<void> {
  const raw = process.env.FAULT_CONFIG;
  if (raw === undefined) throw new Error('FAULT_CONFIG is not set');
  const config = JSON.parse(raw) as FaultWorkerConfig;

  const log = new Redis(config.logUrl, { db: config.logDb, connectionName: 'thfault-startlog' });
  log.on('error', () => {});
  const common = {
    keyPrefix: config.keyPrefix,
    retention: { maxDoneCount: 1_000_000_000, maxDoneAgeMs: 1_000_000_000_000 },
    leaseClock: config.leaseClock ?? 'caller',
    ...(config.commandTimeoutMs === undefined ? {} : { commandTimeoutMs: config.commandTimeoutMs }),
    ...(config.replicas === undefined ? {} : { replicas: config.replicas }),
  };
  const redisOptions = { connectionName: config.connectionName, connectTimeout: 3000 };
  const driver =
    config.clusterNodes === undefined
      ? await RedisDriver.connect({ ...common, url: config.url, db: config.db, redisOptions, ...(config.sentinel ? { sentinel: config.sentinel } : {}) })
      : await RedisDriver.connectCluster({ ...common, nodes: config.clusterNodes, clusterOptions: { redisOptions } });
  const worker = new Worker(driver, {
    queues: config.queues ?? [config.queue],
    queueOrder: config.queues === undefined ? 'strict' : 'weighted',
    concurrency: config.concurrency,
    leaseMs: config.leaseMs,
    pollIntervalMs: 500,
    retryPolicy: RetryPolicy.fixed(0),
    maxReclaims: config.maxReclaims ?? 1000,
    clock: skewedClock(config.clockSkewMs ?? 0),
    ...(config.heartbeatMs === undefined ? {} : { heartbeatMs: config.heartbeatMs }),
    cancelPush: config.cancelPush ?? true,
  });

  const recordStart = async (job: { id: string; attempt: number; reclaims: number }, token: string): Promise<void> => {
    await log.rpush(
      config.startsKey,
      JSON.stringify({ id: job.id, pid: process.pid, token, attempt: job.attempt, reclaims: job.reclaims, at: Date.now() }),
    );
  };

  worker.register('work', async (job, ctx) => {
    await recordStart(job, ctx.lease.token);
    const span = config.workMaxMs - config.workMinMs;
    await sleep(config.workMinMs + Math.floor(Math.random() * (span + 1)));
    if (config.failFirstAttempt === true && job.attempt === 1) throw new Error('planned failure on attempt 1');
  });

  // Runs until aborted, and reports when the abort came (the machine's clock) and why.
  worker.register('hold', async (job, ctx) => {
    await recordStart(job, ctx.lease.token);
    const reason = await new Promise<unknown>((resolve) => {
      const { signal } = ctx;
      if (signal.aborted) return resolve(signal.reason);
      const timer = setTimeout(() => resolve(undefined), HOLD_MAX_MS);
      signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          resolve(signal.reason);
        },
        { once: true },
      );
    });
    if (reason === undefined) throw new Error(`hold job ran ${HOLD_MAX_MS} ms without being aborted`);
    out({ event: 'aborted', id: job.id, code: (reason as { code?: string }).code });
    throw reason;
  });

  const stall = (type: 'stall-ack' | 'stall-retry' | 'stall-fail') =>
    worker.register(type, async (job, ctx) => {
      await recordStart(job, ctx.lease.token);
      if (job.reclaims > 0) return; // the run that takes over succeeds at once
      out({ event: 'stalling', id: job.id, token: ctx.lease.token });
      busyWait(config.stallMs ?? 800);
      out({ event: 'stallEnded', id: job.id });
      if (type === 'stall-retry') throw new Error('late failure: asks for a retry');
      if (type === 'stall-fail') throw new UnrecoverableError('late failure: asks for the dead-letter queue');
    });
  stall('stall-ack');
  stall('stall-retry');
  stall('stall-fail');

  worker.on('leaseLost', ({ job, lease, error, during }) => {
    out({ event: 'leaseLost', id: job.id, token: lease.token, during, code: (error as { code?: string }).code });
  });
  worker.on('completed', ({ job }) => out({ event: 'completed', id: job.id, queue: job.queue }));
  worker.on('cancelled', ({ job }) => out({ event: 'cancelled', id: job.id }));
  worker.on('retrying', ({ job }) => out({ event: 'retrying', id: job.id }));
  worker.on('dead', ({ job }) => out({ event: 'dead', id: job.id }));
  worker.on('error', ({ error, during, jobId }) => {
    out({ event: 'error', during, id: jobId, code: (error as { code?: string }).code, message: error.message });
  });

  let closing = false;
  process.on('SIGTERM', () => {
    if (closing) return;
    closing = true;
    void (async () => {
      await worker.close({ graceMs: 2000 });
      await driver.close();
      log.disconnect();
      process.exit(0);
    })();
  });

  await worker.start();
  out({ event: 'ready' });
}

main().catch((error: unknown) => {
  out({ event: 'fatal', message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});
