import {
  type Admin,
  type BatchOutcome,
  type Driver,
  DriverClosedError,
  type EnqueueResult,
  type FailUpdate,
  type JobRecord,
  JobNotFoundError,
  type JobRef,
  type Lease,
  type ListPage,
  type ListRequest,
  type NewJobRecord,
  type RequeueOptions,
  type ReserveRequest,
  type ReserveResult,
  type RetentionOptions,
  type RetryUpdate,
  type StatusCounts,
  type ResolvedRetention,
  resolveRetention,
  ValidationError,
  validateArray,
  validateFailUpdate,
  validateJobRef,
  validateLease,
  validateLeaseMs,
  validateListRequest,
  validateName,
  validateNewJobRecord,
  validateNow,
  validateRequeueOptions,
  validateReserveRequest,
  validateRetryUpdate,
  validateWaitRequest,
  type WaitForWorkRequest,
} from '@taskharbor/core';
import type { ClusterNode, ClusterOptions, RedisOptions } from 'ioredis';
import { openBlockingConnection } from './blocking-connection.js';
import { refreshSlotsAfterFailure } from './cluster-refresh.js';
import { validateCommandTimeout, withinCommandTimeout } from './command-timeout.js';
import { openCluster, openStandalone, warnIfResendUnsafe } from './connection.js';
import { EnqueueBatcher } from './enqueue-batch.js';
import { RedisDataModelError, RedisOutcomeUnknownError } from './errors.js';
import { hashFromObject, parseJobHash } from './job-hash.js';
import { DATA_MODEL_VERSION, KeySpace, PREVIOUS_DATA_MODEL_VERSION } from './keys.js';
import { type LeaseClock, nowArg, validateLeaseClock } from './lease-clock.js';
import { decodeListCursor, encodeListCursor } from './list-cursor.js';
import { runAck } from './lua/ack.js';
import { runEnqueue } from './lua/enqueue.js';
import { runExtend } from './lua/extend.js';
import { runFail } from './lua/fail.js';
import { type LeaseReply, refusalError, throwIfRefused } from './lua/lease-reply.js';
import { runList } from './lua/list.js';
import { runMigrateIndex } from './lua/migrate.js';
import { runRelease } from './lua/release.js';
import { runRequeue } from './lua/requeue.js';
import { runReserve } from './lua/reserve.js';
import { runRetry } from './lua/retry.js';
import type { RedisClient } from './lua/script.js';
import { awaitReplicas, RedisReplicationTimeoutError, type ReplicaAckOptions, validateReplicaAck } from './replica-wait.js';
import type { SentinelOptions } from './sentinel.js';
import { WakeListeners } from './wake-listeners.js';

/** Only connect and connectCluster can pass it: they hand over a client the driver then owns and closes. */
const OWNED_CLIENT: unique symbol = Symbol('taskharbor.redis.owned-client');

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
  client: RedisClient;
}

/** `RedisDriver.connect(...)`: the driver makes, owns and closes its client. */
export interface RedisConnectOptions extends RedisDriverCommonOptions {
  /** `redis://[user[:password]@]host[:port][/db]`, or `rediss://…` for TLS. Default: REDIS_URL, then REDIS_ADDR, then localhost:6379. */
  url?: string;
  /** `host:port`, the seed driver's form; used when `url` is unset. */
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

function toOutcome<T>(value: T): BatchOutcome<T> {
  return { ok: true, value };
}

/** Shared by every accepted lease of a batch: a busy worker acks thousands a second. */
const ACCEPTED: BatchOutcome<true> = Object.freeze({ ok: true, value: true });
const ACKED: BatchOutcome<void> = Object.freeze({ ok: true, value: undefined });

function toFailure<T>(error: unknown): BatchOutcome<T> {
  return { ok: false, error: error instanceof Error ? error : new Error(String(error)) };
}

/** Groups items by queue, keeping each item's position in the input. */
function byQueue<T>(items: readonly T[], queueOf: (item: T) => string): Map<string, { item: T; index: number }[]> {
  const groups = new Map<string, { item: T; index: number }[]>();
  items.forEach((item, index) => {
    const queue = queueOf(item);
    let group = groups.get(queue);
    if (group === undefined) {
      group = [];
      groups.set(queue, group);
    }
    group.push({ item, index });
  });
  return groups;
}

/** A reply from Redis itself (an error reply) rather than a lost or broken connection. */
function isReplyError(error: unknown): boolean {
  return error instanceof Error && error.name === 'ReplyError';
}

/**
 * The Redis driver: every state change is one Lua script run by SHA, every
 * key of a queue shares the queue's hash tag, so it runs on a single Redis
 * or on a Redis Cluster. docs/redis.md describes the key layout, the
 * scripts, the wake-ups and the resend policy.
 *
 * @example
 * const driver = await RedisDriver.connect({ url: process.env.REDIS_URL, keyPrefix: 'myapp' });
 * const client = new Client(driver);
 * // …
 * await driver.close();
 */
export class RedisDriver implements Driver, Admin {
  /** The client the driver sends its commands on. */
  readonly client: RedisClient;
  readonly keyPrefix: string;
  readonly leaseClock: LeaseClock;
  /** See RedisDriverCommonOptions.commandTimeoutMs. */
  readonly commandTimeoutMs: number;
  /** See RedisDriverCommonOptions.replicas; undefined when off. */
  readonly replicas: ReplicaAckOptions | undefined;
  private readonly keys: KeySpace;
  private readonly retention: ResolvedRetention;
  private readonly ownsClient: boolean;
  private readonly wakeups: WakeListeners;
  private readonly enqueues = new EnqueueBatcher((jobs, nows) => this.storeEach(jobs, nows));
  /** Queues this driver already added to the `queues` set. */
  private readonly registeredQueues = new Set<string>();
  private modelChecked = false;
  private modelCheck: Promise<void> | undefined;
  private closed = false;
  private closing: Promise<void> | undefined;

  /**
   * Connects to a standalone Redis and PINGs it. A bad address, a refused
   * connection or bad credentials reject within the connect timeout (5 s by
   * default) with a RedisConnectError; nothing keeps reconnecting after that.
   */
  static async connect(options: RedisConnectOptions = {}): Promise<RedisDriver> {
    const common = RedisDriver.checkCommon(options);
    const client = await openStandalone(options);
    return RedisDriver.adopt(client, common);
  }

  /** Connects to a Redis Cluster, with the same bounded failure as connect. */
  static async connectCluster(options: RedisClusterConnectOptions): Promise<RedisDriver> {
    const common = RedisDriver.checkCommon(options);
    if (!Array.isArray(options.nodes) || options.nodes.length === 0) {
      throw new ValidationError('nodes', 'name at least one startup node of the cluster');
    }
    const client = await openCluster(options);
    return RedisDriver.adopt(client, common);
  }

  private static checkCommon(options: RedisDriverCommonOptions): RedisDriverCommonOptions {
    if (typeof options !== 'object' || options === null) throw new ValidationError('options', 'expected an object');
    // Checked before connecting, so bad options never open a connection.
    if (options.keyPrefix !== undefined) validateName('keyPrefix', options.keyPrefix);
    resolveRetention(options.retention);
    validateLeaseClock(options.leaseClock);
    validateCommandTimeout(options.commandTimeoutMs);
    validateReplicaAck(options.replicas);
    return options;
  }

  private static async adopt(client: RedisClient, options: RedisDriverCommonOptions): Promise<RedisDriver> {
    const driver = new RedisDriver({ ...options, client }, OWNED_CLIENT);
    try {
      await driver.prepare();
    } catch (error) {
      await driver.close();
      throw error;
    }
    return driver;
  }

  /**
   * Wraps a client you made (standalone or Cluster); the driver never closes
   * it. The data-model version is checked on the first call.
   */
  constructor(options: RedisDriverOptions, ownership?: typeof OWNED_CLIENT) {
    const ownsClient = ownership === OWNED_CLIENT;
    if (typeof options !== 'object' || options === null) throw new ValidationError('options', 'expected an object');
    const client = options.client;
    if (typeof client !== 'object' || client === null || typeof client.call !== 'function') {
      throw new ValidationError('client', 'expected an ioredis Redis or Cluster client');
    }
    const keyPrefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
    validateName('keyPrefix', keyPrefix);
    this.client = client;
    this.keyPrefix = keyPrefix;
    this.keys = new KeySpace(keyPrefix);
    this.retention = resolveRetention(options.retention);
    this.leaseClock = validateLeaseClock(options.leaseClock);
    this.commandTimeoutMs = validateCommandTimeout(options.commandTimeoutMs);
    this.replicas = validateReplicaAck(options.replicas);
    this.ownsClient = ownsClient;
    if (!ownsClient) warnIfResendUnsafe(client);
    this.wakeups = new WakeListeners(
      () => openBlockingConnection(this.client),
      (queue) => this.keys.queue(queue).signal,
    );
  }

  // ---- Driver ----

  /**
   * Stores one job, or answers `existed: true` for a known id or idempotency
   * key in its queue. Enqueues made in the same turn of the event loop go to
   * Redis together, one script per queue (see EnqueueBatcher).
   */
  async enqueue(job: NewJobRecord, now: number): Promise<EnqueueResult> {
    this.assertOpen('enqueue');
    validateNow(now);
    validateNewJobRecord(job);
    await this.prepare();
    return this.enqueues.add(job, now);
  }

  /**
   * Validates every record, then stores the jobs of each queue in one atomic
   * script; the scripts of different queues go out together, in one round
   * trip. A later duplicate of an earlier entry answers `existed: true`.
   */
  async enqueueMany(jobs: readonly NewJobRecord[], now: number): Promise<EnqueueResult[]> {
    this.assertOpen('enqueueMany');
    validateNow(now);
    validateArray('jobs', jobs);
    for (const job of jobs) validateNewJobRecord(job);
    if (jobs.length === 0) return [];
    return this.storeJobs(jobs, now);
  }

  /** Promotes due jobs, reclaims expired leases and leases up to `limit` jobs, in one script. */
  async reserve(request: ReserveRequest): Promise<ReserveResult> {
    this.assertOpen('reserve');
    validateReserveRequest(request);
    await this.prepare();
    const keys = this.keys.queue(request.queue);
    return this.write(`reserve on queue ${request.queue}`, () =>
      runReserve(this.client, keys, {
        now: request.now,
        scriptNow: this.scriptNow(request.now),
        limit: request.limit,
        leaseMs: request.leaseMs,
      }),
      keys.inflight,
    );
  }

  /** Moves the lease's expiry to now + leaseMs; the token stays. */
  async extendLease(lease: Lease, leaseMs: number, now: number): Promise<Lease> {
    this.assertOpen('extendLease');
    validateLease(lease);
    validateLeaseMs(leaseMs);
    validateNow(now);
    await this.prepare();
    const expiresAt = now + leaseMs;
    const [reply] = await this.write(`extendLease of job ${lease.jobId}`, () =>
      runExtend(this.client, this.keys.queue(lease.queue), [lease], this.scriptNow(now), leaseMs),
      this.keys.queue(lease.queue).inflight,
    );
    throwIfRefused(reply, lease, now);
    return { jobId: lease.jobId, queue: lease.queue, token: lease.token, expiresAt };
  }

  /** Marks the job done (kept for inspection) and applies retention. A repeat with the same token succeeds. */
  async ack(lease: Lease, now: number): Promise<void> {
    this.assertOpen('ack');
    validateLease(lease);
    validateNow(now);
    await this.prepare();
    const [reply] = await this.write(`ack of job ${lease.jobId}`, () =>
      runAck(this.client, this.keys.queue(lease.queue), [lease], this.scriptNow(now), this.retention),
      this.keys.queue(lease.queue).inflight,
    );
    throwIfRefused(reply, lease, now);
  }

  /** Records the failure and puts the job back: ready tail when runnable now, else scheduled. */
  async retry(lease: Lease, update: RetryUpdate, now: number): Promise<void> {
    this.assertOpen('retry');
    validateLease(lease);
    validateRetryUpdate(update);
    validateNow(now);
    await this.prepare();
    const reply = await this.write(`retry of job ${lease.jobId}`, () =>
      runRetry(this.client, this.keys.queue(lease.queue), lease, update, now, this.scriptNow(now)),
      this.keys.queue(lease.queue).inflight,
    );
    throwIfRefused(reply, lease, now);
  }

  /** Records the failure and dead-letters the job. A repeat with the same token succeeds. */
  async fail(lease: Lease, update: FailUpdate, now: number): Promise<void> {
    this.assertOpen('fail');
    validateLease(lease);
    validateFailUpdate(update);
    validateNow(now);
    await this.prepare();
    const reply = await this.write(`fail of job ${lease.jobId}`, () =>
      runFail(this.client, this.keys.queue(lease.queue), lease, update, this.scriptNow(now)),
      this.keys.queue(lease.queue).inflight,
    );
    throwIfRefused(reply, lease, now);
  }

  /** Gives the job back without counting a failure: it goes to the head of the ready list. */
  async release(lease: Lease, now: number): Promise<void> {
    this.assertOpen('release');
    validateLease(lease);
    validateNow(now);
    await this.prepare();
    const reply = await this.write(`release of job ${lease.jobId}`, () =>
      runRelease(this.client, this.keys.queue(lease.queue), lease, this.scriptNow(now)),
      this.keys.queue(lease.queue).inflight,
    );
    throwIfRefused(reply, lease, now);
  }

  /**
   * Resolves when one of the queues may have runnable work (a token on its
   * signal list), when the signal aborts, or when the driver closes. Each
   * watched queue has one blocking connection (see WakeListeners).
   */
  async waitForWork(request: WaitForWorkRequest): Promise<void> {
    this.assertOpen('waitForWork');
    validateWaitRequest(request);
    return this.wakeups.wait(request.queues, request.signal);
  }

  /**
   * Ends pending waits and closes the connections the driver opened (the
   * client too, when connect made it). Idempotent; every later call fails
   * with DriverClosedError.
   */
  async close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  /**
   * ack for many leases: the leases of each queue go in one script, and the
   * scripts of all queues go out together, so the whole batch is one round
   * trip. Each outcome is what ack alone would have done or thrown.
   */
  async ackMany(leases: readonly Lease[], now: number): Promise<BatchOutcome<void>[]> {
    this.assertOpen('ackMany');
    validateArray('leases', leases);
    validateNow(now);
    await this.prepare();
    return this.leaseBatch(leases, now, 'ackMany', (queue, group) =>
      runAck(this.client, this.keys.queue(queue), group, this.scriptNow(now), this.retention),
    ).then((outcomes) => outcomes.map((outcome) => (outcome.ok ? ACKED : outcome)));
  }

  /** extendLease for many leases, in one round trip; each outcome is what extendLease alone would have returned or thrown. */
  async extendLeases(leases: readonly Lease[], leaseMs: number, now: number): Promise<BatchOutcome<Lease>[]> {
    this.assertOpen('extendLeases');
    validateArray('leases', leases);
    validateLeaseMs(leaseMs);
    validateNow(now);
    await this.prepare();
    const expiresAt = now + leaseMs;
    return this.leaseBatch(leases, now, 'extendLeases', (queue, group) =>
      runExtend(this.client, this.keys.queue(queue), group, this.scriptNow(now), leaseMs),
    ).then((outcomes) =>
      outcomes.map((outcome, i) => {
        if (!outcome.ok) return outcome;
        const lease = leases[i] as Lease;
        return toOutcome({ jobId: lease.jobId, queue: lease.queue, token: lease.token, expiresAt });
      }),
    );
  }

  // ---- Admin ----

  /** The stored job, or undefined when the queue holds no such job. */
  async inspect(ref: JobRef): Promise<JobRecord | undefined> {
    this.assertOpen('inspect');
    validateJobRef(ref);
    await this.prepare();
    const hash = await this.client.hgetallBuffer(this.keys.queue(ref.queue).job(ref.id));
    if (Object.keys(hash).length === 0) return undefined;
    return parseJobHash(ref.id, hashFromObject(hash));
  }

  /**
   * One page of a queue's jobs in ascending id order, read in one script from
   * the queue's id index (a sorted set of ids); a status filter is applied
   * to each job's hash while walking it.
   */
  async list(request: ListRequest): Promise<ListPage> {
    this.assertOpen('list');
    validateListRequest(request);
    const after = request.cursor === undefined ? undefined : decodeListCursor(request.cursor);
    await this.prepare();
    const { jobs, more } = await runList(this.client, this.keys.queue(request.queue), {
      status: request.status,
      after,
      limit: request.limit,
    });
    const last = jobs[jobs.length - 1];
    return more && last !== undefined ? { jobs, nextCursor: encodeListCursor(last.id) } : { jobs };
  }

  /** Moves a dead-lettered job back to the ready tail, or to scheduled when `runAt` is after `now`. */
  async requeueDlq(ref: JobRef, options: RequeueOptions): Promise<void> {
    this.assertOpen('requeueDlq');
    validateJobRef(ref);
    validateRequeueOptions(options);
    await this.prepare();
    const [code, status] = await this.write(`requeueDlq of job ${ref.id}`, () =>
      runRequeue(this.client, this.keys.queue(ref.queue), ref.id, options),
      this.keys.queue(ref.queue).dlq,
    );
    if (code === 'OK') return;
    if (code === 'NOT_FOUND') throw new JobNotFoundError(ref.queue, ref.id);
    if (code === 'NOT_DLQ') {
      throw new ValidationError('status', `job ${ref.id} is ${status}; only a dead-lettered job can be requeued`);
    }
    throw new Error(`requeueDlq of job ${ref.id}: unexpected reply ${String(code)}`);
  }

  /** The number of jobs in each status, read in one round trip from the five status structures. */
  async counts(queue: string): Promise<StatusCounts> {
    this.assertOpen('counts');
    validateName('queue', queue);
    await this.prepare();
    const keys = this.keys.queue(queue);
    const [ready, scheduled, inflight, done, dlq] = await Promise.all([
      this.client.llen(keys.ready),
      this.client.zcard(keys.scheduled),
      this.client.zcard(keys.inflight),
      this.client.zcard(keys.done),
      this.client.llen(keys.dlq),
    ]);
    return { ready, scheduled, inflight, done, dlq, cancelled: 0 };
  }

  /** Every queue that holds or held a job under this prefix, sorted by name. */
  async queues(): Promise<string[]> {
    this.assertOpen('queues');
    await this.prepare();
    return (await this.client.smembers(this.keys.queues)).sort();
  }

  // ---- Internals ----

  private assertOpen(operation: string): void {
    if (this.closed) throw new DriverClosedError(operation);
  }

  /**
   * Makes sure the prefix holds this driver's data-model version, writing it
   * when the prefix is new. Runs once; a failure (Redis away) is retried on
   * the next call.
   */
  private async prepare(): Promise<void> {
    if (this.modelChecked) return;
    this.modelCheck ??= this.checkDataModel().then(
      () => {
        this.modelChecked = true;
      },
      (error: unknown) => {
        this.modelCheck = undefined;
        throw error;
      },
    );
    return this.modelCheck;
  }

  private async checkDataModel(): Promise<void> {
    const key = this.keys.version;
    const [, stored] = await withinCommandTimeout(
      this.commandTimeoutMs,
      Promise.all([this.client.set(key, DATA_MODEL_VERSION, 'NX'), this.client.get(key)]),
    );
    if (stored === PREVIOUS_DATA_MODEL_VERSION) return this.migrateFromVersion1();
    if (stored !== DATA_MODEL_VERSION) throw new RedisDataModelError(key, stored, DATA_MODEL_VERSION);
  }

  /**
   * Version 1 differs from version 2 only in the queue index (`<status>:<id>`
   * members then, `<id>` now): each queue's index is rewritten by one script,
   * then the version key moves on. Run again after an interruption, it
   * finishes the queues left. Stop workers of the old version first: they
   * would keep writing version-1 members.
   */
  private async migrateFromVersion1(): Promise<void> {
    const queues = await this.client.smembers(this.keys.queues);
    for (const queue of queues) await runMigrateIndex(this.client, this.keys.queue(queue));
    await this.client.set(this.keys.version, DATA_MODEL_VERSION);
  }

  /**
   * Runs a state-changing script. An error reply from Redis is passed on;
   * any other failure (a dropped connection, no reply within the command
   * timeout) leaves the outcome unknown and becomes a
   * RedisOutcomeUnknownError. Never retried here. With `replicas`, WAIT
   * follows on the master of `routeKey` (any key the script wrote).
   */
  private async write<T>(operation: string, run: () => Promise<T>, routeKey: string): Promise<T> {
    try {
      const result = await withinCommandTimeout(this.commandTimeoutMs, run());
      if (this.replicas !== undefined) {
        await withinCommandTimeout(this.commandTimeoutMs, awaitReplicas(this.client, routeKey, this.replicas, operation));
      }
      return result;
    } catch (error) {
      if (this.closed) throw new DriverClosedError(operation);
      if (isReplyError(error) || error instanceof RedisReplicationTimeoutError) throw error;
      refreshSlotsAfterFailure(this.client);
      throw new RedisOutcomeUnknownError(operation, error);
    }
  }

  /**
   * Adds queue names this driver has not recorded yet to the `queues` set.
   * Sent before the enqueue scripts, so all go out in one round trip; SADD is
   * idempotent, so it is safe even when the enqueue turns out to be a repeat.
   */
  private registerQueues(queues: readonly string[]): Promise<void> | undefined {
    const fresh = queues.filter((queue) => !this.registeredQueues.has(queue));
    if (fresh.length === 0) return undefined;
    return this.write(`enqueue: registering queues ${fresh.join(', ')}`, () => this.client.sadd(this.keys.queues, ...fresh), this.keys.queues).then(() => {
      for (const queue of fresh) this.registeredQueues.add(queue);
    });
  }

  /** Stores jobs of any queues, one script per queue (sent together with any new queue names); each job gets its own queue's outcome. */
  private async storeEach(jobs: readonly NewJobRecord[], nows: readonly number[]): Promise<BatchOutcome<EnqueueResult>[]> {
    const groups = byQueue(jobs, (job) => job.queue);
    const registering = this.registerQueues([...groups.keys()]);
    const outcomes: BatchOutcome<EnqueueResult>[] = new Array(jobs.length);
    await Promise.all(
      [...groups].map(async ([queue, group]) => {
        try {
          const [results] = await Promise.all([
            this.write(`enqueue into queue ${queue}`, () =>
              runEnqueue(
                this.client,
                this.keys.queue(queue),
                group.map((entry) => entry.item),
                group.map((entry) => nows[entry.index] as number),
              ),
              this.keys.queue(queue).ready,
            ),
            registering,
          ]);
          // runEnqueue answers every job it was given, in order.
          group.forEach((entry, i) => {
            outcomes[entry.index] = toOutcome(results[i] as EnqueueResult);
          });
        } catch (error) {
          for (const entry of group) outcomes[entry.index] = toFailure(error);
        }
      }),
    );
    return outcomes;
  }

  /** enqueueMany's store: as storeEach, but any queue's failure is the whole call's. */
  private async storeJobs(jobs: readonly NewJobRecord[], now: number): Promise<EnqueueResult[]> {
    await this.prepare();
    const outcomes = await this.storeEach(
      jobs,
      jobs.map(() => now),
    );
    return outcomes.map((outcome) => {
      if (!outcome.ok) throw outcome.error;
      return outcome.value;
    });
  }

  /**
   * Runs a batch lease script once per queue, all at once, and maps every
   * reply back to its lease's position. A malformed lease gets the
   * ValidationError the single call would have thrown, without stopping the
   * others.
   */
  private async leaseBatch(
    leases: readonly Lease[],
    now: number,
    operation: string,
    run: (queue: string, group: Lease[]) => Promise<LeaseReply[]>,
  ): Promise<BatchOutcome<true>[]> {
    const outcomes: BatchOutcome<true>[] = new Array(leases.length);
    const valid: { item: Lease; index: number }[] = [];
    leases.forEach((lease, index) => {
      try {
        validateLease(lease);
        valid.push({ item: lease, index });
      } catch (error) {
        outcomes[index] = toFailure(error);
      }
    });
    const groups = byQueue(
      valid.map((entry) => entry.item),
      (lease) => lease.queue,
    );
    await Promise.all(
      [...groups].map(async ([queue, group]) => {
        const positions = group.map((entry) => (valid[entry.index] as { index: number }).index);
        try {
          const replies = await this.write(`${operation} on queue ${queue}`, () =>
            run(
              queue,
              group.map((entry) => entry.item),
            ),
            this.keys.queue(queue).inflight,
          );
          group.forEach((entry, i) => {
            const reply = replies[i];
            const error =
              reply === undefined ? new Error(`${operation}: no reply for job ${entry.item.jobId}`) : refusalError(reply, entry.item, now);
            outcomes[positions[i] as number] = error === undefined ? ACCEPTED : toFailure(error);
          });
        } catch (error) {
          for (const position of positions) outcomes[position] = toFailure(error);
        }
      }),
    );
    return outcomes;
  }

  /** The `now` argument of a lease script (see leaseClock). */
  private scriptNow(now: number): string {
    return nowArg(this.leaseClock, now);
  }

  private async shutDown(): Promise<void> {
    this.closed = true;
    this.wakeups.close();
    if (!this.ownsClient) return;
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }
}
