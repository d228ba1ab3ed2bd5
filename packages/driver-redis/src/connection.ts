import { ValidationError } from '@taskharbor/core';
import { Cluster, type ClusterNode, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';
import { confirmSetup } from './connect-setup.js';
import { RedisConnectError } from './errors.js';
import type { RedisClient } from './lua/script.js';
import { describeSentinel, type SentinelOptions, sentinelSettings, validateSentinel } from './sentinel.js';

/**
 * The ioredis settings the driver needs so that no state-changing script is
 * ever sent twice on its own after a dropped connection:
 *
 * - `autoResendUnfulfilledCommands: false`: commands that were written but
 *   not answered when the connection dropped are not written again after the
 *   reconnect (ioredis's default is to resend them).
 * - `maxRetriesPerRequest: 0`: those commands, and commands queued while
 *   disconnected, fail as soon as the connection closes. This is required,
 *   not a tuning: in ioredis 5 a command dropped by the first setting is
 *   otherwise never settled at all (its promise hangs) once the client
 *   reconnects.
 *
 * The caller then sees an error and the job's lease decides what happens.
 * `RedisDriver.connect` applies these; a client you create yourself should
 * spread them into its options.
 */
export const RESEND_SAFE_REDIS_OPTIONS = {
  autoResendUnfulfilledCommands: false,
  maxRetriesPerRequest: 0,
} as const satisfies RedisOptions;

/**
 * The same for a Cluster client: its default resends a command after
 * `retryDelayOnFailover` when the node connection it went out on closed, which
 * may run a script twice. MOVED, ASK, TRYAGAIN and CLUSTERDOWN are still
 * followed: those replies mean the command did not run.
 */
export const RESEND_SAFE_CLUSTER_OPTIONS = {
  retryDelayOnFailover: 0,
  redisOptions: RESEND_SAFE_REDIS_OPTIONS,
} as const satisfies ClusterOptions;

/** How long connect waits for the TCP (and TLS) connection and the first PING, unless redisOptions says otherwise. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5000;

/** Where to connect, from options, then REDIS_URL, then REDIS_ADDR, then localhost:6379. */
export interface RedisTarget {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  tls: boolean;
  /** For messages: the address without the password. */
  description: string;
}

export interface TargetOptions {
  /** `redis://[user[:password]@]host[:port][/db]` or `rediss://…` (TLS). */
  url?: string;
  /** `host:port`, the seed driver's form. */
  addr?: string;
  /** Logical database; wins over a db in the URL. Default 0. */
  db?: number;
}

function parseDb(value: unknown, field: string): number {
  const db = typeof value === 'string' ? Number(value) : value;
  if (typeof db !== 'number' || !Number.isSafeInteger(db) || db < 0) {
    throw new ValidationError(field, `expected a Redis database number (an integer from 0, usually up to 15), got ${String(value)}`);
  }
  return db;
}

function parseAddress(text: string, field: 'url' | 'addr'): Omit<RedisTarget, 'db' | 'description'> & { db?: number } {
  let url: URL;
  try {
    url = new URL(field === 'addr' ? `redis://${text}` : text);
  } catch {
    const expected = field === 'addr' ? 'host:port' : 'redis://host:port/db or rediss://host:port/db';
    throw new ValidationError(field, `${JSON.stringify(text.replace(/:[^:@/]*@/, ':***@'))} is not an address; expected ${expected}`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new ValidationError(field, `unsupported scheme ${url.protocol}; use redis:// or rediss:// (TLS)`);
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') throw new ValidationError(field, `${JSON.stringify(text)} names no host`);
  const target: Omit<RedisTarget, 'db' | 'description'> & { db?: number } = {
    host,
    port: url.port === '' ? 6379 : Number(url.port),
    tls: url.protocol === 'rediss:',
  };
  if (url.username !== '') target.username = decodeURIComponent(url.username);
  if (url.password !== '') target.password = decodeURIComponent(url.password);
  const path = url.pathname.replace(/^\//, '');
  if (field === 'url' && path !== '') target.db = parseDb(path, 'url');
  return target;
}

/**
 * Works out where to connect: `url`, else `addr`, else the environment's
 * REDIS_URL, else REDIS_ADDR, else localhost:6379. An explicit `db` wins over
 * a db in the URL.
 */
export function resolveTarget(options: TargetOptions, env: NodeJS.ProcessEnv = process.env): RedisTarget {
  let parsed: Omit<RedisTarget, 'db' | 'description'> & { db?: number };
  if (options.url !== undefined) parsed = parseAddress(options.url, 'url');
  else if (options.addr !== undefined) parsed = parseAddress(options.addr, 'addr');
  else if (env.REDIS_URL) parsed = parseAddress(env.REDIS_URL, 'url');
  else if (env.REDIS_ADDR) parsed = parseAddress(env.REDIS_ADDR, 'addr');
  else parsed = { host: 'localhost', port: 6379, tls: false };
  const db = options.db === undefined ? (parsed.db ?? 0) : parseDb(options.db, 'db');
  const scheme = parsed.tls ? 'rediss' : 'redis';
  const user = parsed.username === undefined ? '' : `${parsed.username}${parsed.password === undefined ? '' : ':***'}@`;
  const host = parsed.host.includes(':') ? `[${parsed.host}]` : parsed.host;
  return { ...parsed, db, description: `${scheme}://${user}${host}:${parsed.port}/${db}` };
}

/** The default reconnect delay once connected: quick at first, at most 2 s apart. */
function defaultRetryDelay(times: number): number {
  return Math.min(50 * 2 ** Math.min(times, 6), 2000);
}

function withDeadline<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/**
 * Opens a standalone client and PINGs it. A refused connection, an unknown
 * host, bad credentials or a silent server reject within the connect timeout;
 * until the first PING succeeds the client does not try to reconnect, so a
 * wrong address never leaves a reconnect loop behind.
 */
export async function openStandalone(
  options: TargetOptions & { redisOptions?: RedisOptions; sentinel?: SentinelOptions },
): Promise<Redis> {
  const sentinel = validateSentinel(options.sentinel);
  const target = resolveTarget(options);
  const user = options.redisOptions ?? {};
  const connectTimeout = user.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT_MS;
  let connected = false;
  const settings: RedisOptions = {
    ...user,
    host: target.host,
    port: target.port,
    db: target.db,
    connectTimeout,
    lazyConnect: true,
    ...RESEND_SAFE_REDIS_OPTIONS,
    retryStrategy: (times) => {
      if (!connected) return null;
      return user.retryStrategy ? user.retryStrategy(times) : defaultRetryDelay(times);
    },
  };
  const username = user.username ?? target.username;
  const password = user.password ?? target.password;
  if (username !== undefined) settings.username = username;
  if (password !== undefined) settings.password = password;
  if (target.tls && user.tls === undefined) settings.tls = {};
  if (sentinel !== undefined) Object.assign(settings, sentinelSettings(sentinel, user, () => connected));
  const client = new Redis(settings);
  // Errors reach callers through their rejected commands; without a listener ioredis also logs each one.
  // The first one is kept: ioredis rejects connect() with a bare "Connection is closed." that hides it.
  let firstError: unknown;
  client.on('error', (error) => {
    firstError ??= error;
  });
  try {
    await withDeadline(
      connectTimeout + 1000,
      (async () => {
        await client.connect();
        await client.ping();
        await confirmSetup(client, { db: target.db, connectionName: settings.connectionName });
      })(),
    );
  } catch (cause) {
    client.disconnect();
    throw new RedisConnectError(sentinel === undefined ? target.description : describeSentinel(sentinel), firstError ?? cause);
  }
  connected = true;
  return client;
}

export interface ClusterConnectOptions {
  /** Startup nodes; any reachable master or replica will do, the client learns the rest. */
  nodes: ClusterNode[];
  /** Passed to ioredis's Cluster, with RESEND_SAFE_CLUSTER_OPTIONS on top. */
  clusterOptions?: ClusterOptions;
}

/** For messages: the startup nodes as `cluster host:port,…`. */
export function describeCluster(nodes: readonly ClusterNode[]): string {
  return `cluster ${nodes.map((node) => (typeof node === 'object' ? `${node.host ?? 'localhost'}:${node.port ?? 6379}` : String(node))).join(',')}`;
}

/** Opens a Cluster client and PINGs it, with the same bounded failure as openStandalone. */
export async function openCluster(options: ClusterConnectOptions): Promise<Cluster> {
  const user = options.clusterOptions ?? {};
  if ((user.redisOptions?.db ?? 0) !== 0) {
    throw new ValidationError('clusterOptions.redisOptions.db', 'a Redis Cluster has only database 0; isolate apps by keyPrefix');
  }
  const connectTimeout = user.redisOptions?.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT_MS;
  let connected = false;
  const cluster = new Cluster(options.nodes, {
    ...user,
    ...RESEND_SAFE_CLUSTER_OPTIONS,
    redisOptions: { ...user.redisOptions, connectTimeout, ...RESEND_SAFE_REDIS_OPTIONS },
    lazyConnect: true,
    clusterRetryStrategy: (times, reason) => {
      if (!connected) return null;
      return user.clusterRetryStrategy ? user.clusterRetryStrategy(times, reason) : defaultRetryDelay(times);
    },
  });
  let firstError: unknown;
  cluster.on('error', (error) => {
    firstError ??= error;
  });
  const description = describeCluster(options.nodes);
  try {
    await withDeadline(
      connectTimeout + 1000,
      (async () => {
        await cluster.connect();
        await cluster.ping();
        await confirmSetup(cluster, { db: 0, connectionName: user.redisOptions?.connectionName });
      })(),
    );
  } catch (cause) {
    cluster.disconnect();
    throw new RedisConnectError(description, firstError ?? cause);
  }
  connected = true;
  return cluster;
}

const warned = new WeakSet<object>();

/**
 * Warns once per client when a client the caller made would resend
 * unanswered commands (or hang them), which breaks the contract's rule that
 * no state-changing script is sent twice blindly.
 */
export function warnIfResendUnsafe(client: RedisClient): void {
  if (warned.has(client)) return;
  let problem: string | undefined;
  if (client.isCluster) {
    if ((client as Cluster).options.retryDelayOnFailover !== 0) {
      problem = 'retryDelayOnFailover is not 0, so a command whose node connection closed is sent again';
    }
  } else {
    const options = (client as Redis).options;
    if (options.autoResendUnfulfilledCommands !== false) {
      problem = 'autoResendUnfulfilledCommands is not false, so unanswered commands are sent again after a reconnect';
    } else if (options.maxRetriesPerRequest !== 0) {
      problem = 'maxRetriesPerRequest is not 0, so a command whose reply was lost never settles after a reconnect';
    }
  }
  if (problem === undefined) return;
  warned.add(client);
  process.emitWarning(
    `RedisDriver: the ioredis client you passed has ${problem}. Create it with RESEND_SAFE_REDIS_OPTIONS (or RESEND_SAFE_CLUSTER_OPTIONS for a Cluster); see docs/redis.md.`,
    { code: 'TASKHARBOR_REDIS_RESEND' },
  );
}
