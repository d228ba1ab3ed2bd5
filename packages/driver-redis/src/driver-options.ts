import type { RetentionOptions } from '@taskharbor/core';
import type { ClusterNode, ClusterOptions, RedisOptions } from 'ioredis';
import type { RedisClientLike } from './client-like.js';
import type { LeaseClock } from './lease-clock.js';
import type { ReplicaAckOptions } from './replica-wait.js';
import type { SentinelOptions } from './sentinel.js';

/** The prefix every key starts with unless `keyPrefix` says otherwise. */
export const DEFAULT_KEY_PREFIX = 'taskharbor';

/** Options shared by every way of making a RedisDriver. */
export interface RedisDriverCommonOptions {
  /** Every key starts with `<keyPrefix>:`; one Redis can serve several apps. Default `taskharbor`. No braces or whitespace. */
  keyPrefix?: string;
  /**
   * How many done jobs each queue keeps, and for how long. Unset settings
   * take DEFAULT_RETENTION from core (1,000 per queue, 24 hours). Infinity
   * switches a rule off.
   */
  retention?: RetentionOptions;
  /**
   * The clock leases follow. `caller` (default): the `now` each call passes,
   * as the contract says. `server`: Redis's TIME, read inside every lease
   * script (reserve, extend, ack, retry, fail, release), so that workers
   * whose clocks are skewed cannot take each other's valid leases. Lease
   * expiries and nextDueAt handed back stay on the caller's clock; runAt and
   * createdAt are always the caller's. See docs/redis.md.
   */
  leaseClock?: LeaseClock;
  /**
   * How long a command may go unanswered before the call fails: with a
   * RedisOutcomeUnknownError for a state-changing script (it may still run
   * when the node answers again; the job's lease decides), so that a Redis
   * node that stops answering cannot hold a caller, or a worker's queues on
   * other nodes, indefinitely. Default DEFAULT_COMMAND_TIMEOUT_MS (5 s);
   * Infinity waits as long as the connection lives. waitForWork's blocking
   * reads are not bound by it. See docs/redis.md.
   */
  commandTimeoutMs?: number;
  /**
   * Opt-in replicated acknowledgment: every state-changing script is
   * followed by WAIT, and the call resolves only once `count` replicas have
   * it; after `timeoutMs` it fails with RedisReplicationTimeoutError (done
   * on the master, not known to be replicated). Costs a replication round
   * trip per call. Default off. See docs/redis.md (Operations).
   */
  replicas?: ReplicaAckOptions;
}

/** `new RedisDriver(...)`: wrap an ioredis client (or Cluster) that you made and will close yourself. */
export interface RedisDriverOptions extends RedisDriverCommonOptions {
  /**
   * The client to use. The driver never closes it. Create it with
   * RESEND_SAFE_REDIS_OPTIONS (RESEND_SAFE_CLUSTER_OPTIONS for a Cluster);
   * the driver warns once when it would resend unanswered commands.
   */
  client: RedisClientLike;
}

/** `RedisDriver.connect(...)`: the driver makes, owns and closes its client. */
export interface RedisConnectOptions extends RedisDriverCommonOptions {
  /** `redis://[user[:password]@]host[:port][/db]`, or `rediss://…` for TLS. Default: REDIS_URL, then REDIS_ADDR, then localhost:6379. */
  url?: string;
  /** `host:port`; used when `url` is unset. */
  addr?: string;
  /** Logical database (tests use 14); wins over a db in the URL. Default 0. */
  db?: number;
  /**
   * Find the master through Redis Sentinel and follow it across failovers;
   * `url`/`addr` then give only the db and the data nodes' credentials.
   * See docs/redis.md (Operations).
   */
  sentinel?: SentinelOptions;
  /**
   * More ioredis options: timeouts, `tls`, `username`/`password` for ACL
   * users, `retryStrategy` once connected. The resend settings
   * (RESEND_SAFE_REDIS_OPTIONS) and `lazyConnect` are always the driver's.
   */
  redisOptions?: RedisOptions;
}

/** `RedisDriver.connectCluster(...)`: the driver makes, owns and closes a Cluster client. */
export interface RedisClusterConnectOptions extends RedisDriverCommonOptions {
  /** Startup nodes, e.g. `[{ host: '10.0.0.1', port: 6379 }]`. */
  nodes: ClusterNode[];
  /** More Cluster options; RESEND_SAFE_CLUSTER_OPTIONS always apply on top. */
  clusterOptions?: ClusterOptions;
}
