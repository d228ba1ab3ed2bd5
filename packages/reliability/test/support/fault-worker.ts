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
import { type Clock, RetryPolicy, systemClock } from '@taskharbor/core';
import { type LeaseClock, RedisDriver } from '@taskharbor/driver-redis';
import { Worker } from '@taskharbor/worker';
import { Redis } from 'ioredis';
import {
  closeOnSigterm,
  type FaultHandlerSettings,
  out,
  type RecordStart,
  registerFaultHandlers,
  registerFlowHandler,
  reportWorkerEvents,
  runWorkerProcess,
} from './fault-handlers.js';
import type { FlowProbe } from './flow-probe.js';

export interface FaultWorkerConfig extends FaultHandlerSettings {
  /** The Redis the driver uses (the shared one, a proxy, or a test server). */
  url: string;
  db: number;
  keyPrefix: string;
  queue: string;
  leaseMs: number;
  concurrency: number;
  /** The worker's prefetch (default 0). */
  prefetch?: number;
  /** CLIENT SETNAME of the driver's connections (ioredis `connectionName`). */
  connectionName: string;
  /** Where the start log lives (always the shared Redis). */
  logUrl: string;
  logDb: number;
  startsKey: string;
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
  /** Set: `flow` jobs count themselves in this hash (and number their starts in `<key>:seq`) on the log Redis. */
  flowProbeKey?: string;
}

/** The machine's clock moved by `skewMs`, as on a host whose time is off; timers are unchanged. */
function skewedClock(skewMs: number): Clock {
  return {
    now: () => systemClock.now() + skewMs,
    setTimeout: (callback, ms) => systemClock.setTimeout(callback, ms),
    clearTimeout: (handle) => systemClock.clearTimeout(handle),
  };
}

/** The flow probe on the log Redis: a hash of in-flight counts by group and a start counter, changed in one MULTI. */
function redisFlowProbe(log: Redis, key: string): FlowProbe {
  return {
    async enter(group) {
      const replies = await log.multi().hincrby(key, group, 1).incr(`${key}:seq`).exec();
      const [inflight, seq] = (replies ?? []).map(([error, value]) => {
        if (error) throw error;
        return Number(value);
      });
      return { inflight: inflight ?? Number.NaN, seq: seq ?? Number.NaN };
    },
    async leave(group) {
      await log.hincrby(key, group, -1);
    },
  };
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
    prefetch: config.prefetch ?? 0,
    leaseMs: config.leaseMs,
    pollIntervalMs: 500,
    retryPolicy: RetryPolicy.fixed(0),
    maxReclaims: config.maxReclaims ?? 1000,
    clock: skewedClock(config.clockSkewMs ?? 0),
    ...(config.heartbeatMs === undefined ? {} : { heartbeatMs: config.heartbeatMs }),
    cancelPush: config.cancelPush ?? true,
  });

  const recordStart: RecordStart = async (job, token) => {
    await log.rpush(
      config.startsKey,
      JSON.stringify({ id: job.id, pid: process.pid, token, attempt: job.attempt, reclaims: job.reclaims, at: Date.now() }),
    );
  };

  registerFaultHandlers(worker, config, recordStart);
  if (config.flowProbeKey !== undefined) registerFlowHandler(worker, redisFlowProbe(log, config.flowProbeKey), config.leaseMs);
  reportWorkerEvents(worker);
  closeOnSigterm(worker, async () => {
    await driver.close();
    log.disconnect();
  });

  await worker.start();
  out({ event: 'ready' });
}

runWorkerProcess(main);
