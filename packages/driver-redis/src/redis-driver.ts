import {
  type AckOptions,
  type Admin,
  type BatchOutcome,
  type CancelOptions,
  type CancelResult,
  type CancelSubscription,
  type Driver,
  DriverClosedError,
  type EnqueueResult,
  type FailUpdate,
  type JobRecord,
  JobNotFoundError,
  type JobControl,
  type JobRef,
  type Lease,
  type ListPage,
  type ListRequest,
  type NewJobRecord,
  type PromoteOptions,
  type PurgeOptions,
  type QueueCounts,
  type RequeueManyOptions,
  type RequeueOptions,
  type ReserveRequest,
  type ReserveResult,
  type RetryUpdate,
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
  validateResult,
  validateRetryUpdate,
  validateWaitRequest,
  type WaitForWorkRequest,
} from '@taskharbor/core';
import { openBlockingConnection } from './blocking-connection.js';
import { refreshSlotsAfterFailure } from './cluster-refresh.js';
import { validateCommandTimeout, withinCommandTimeout } from './command-timeout.js';
import { describeCluster, openCluster, openStandalone, resolveTarget, warnIfResendUnsafe } from './connection.js';
import { describeSentinel } from './sentinel.js';
import { EnqueueBatcher } from './enqueue-batch.js';
import { checkDataModel } from './data-model.js';
import {
  DEFAULT_KEY_PREFIX,
  type RedisClusterConnectOptions,
  type RedisConnectOptions,
  type RedisDriverCommonOptions,
  type RedisDriverOptions,
} from './driver-options.js';
import { RedisConnectError, RedisOutcomeUnknownError } from './errors.js';
import { hashFromObject, parseJobHash } from './job-hash.js';
import { RedisJobControl } from './job-control/redis-job-control.js';
import { KeySpace } from './keys.js';
import { type LeaseClock, nowArg, validateLeaseClock } from './lease-clock.js';
import { decodeListCursor, encodeListCursor } from './list-cursor.js';
import { runAck } from './lua/ack.js';
import { runEnqueue } from './lua/enqueue.js';
import { runExtend } from './lua/extend.js';
import { runFail } from './lua/fail.js';
import { type LeaseReply, refusalError, throwIfRefused } from './lua/lease-reply.js';
import { runList } from './lua/list.js';
import { runRelease } from './lua/release.js';
import { runRequeue } from './lua/requeue.js';
import { runReserve } from './lua/reserve.js';
import { runRetry } from './lua/retry.js';
import type { RedisClient } from './lua/script.js';
import { awaitReplicas, RedisReplicationTimeoutError, type ReplicaAckOptions, validateReplicaAck } from './replica-wait.js';
import { WakeListeners } from './wake-listeners.js';

/** Only connect and connectCluster can pass it: they hand over a client the driver then owns and closes. */
const OWNED_CLIENT: unique symbol = Symbol('taskharbor.redis.owned-client');

/** The methods a wrapped client must have (see RedisClientLike). */
const CLIENT_METHODS = ['call', 'sendCommand', 'duplicate', 'on', 'quit', 'disconnect'] as const;

function toOutcome<T>(value: T): BatchOutcome<T> {
  return { ok: true, value };
}

/** Shared by every acked lease of a batch: a busy worker acks thousands a second. */
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

/** The lease extendLease returns: same token, new expiry, and `cancelRequested` when the script saw a cancel request. */
function extendedLease(lease: Lease, expiresAt: number, reply: LeaseReply | undefined): Lease {
  const extended: Lease = { jobId: lease.jobId, queue: lease.queue, token: lease.token, expiresAt };
  if (reply?.[1] === 'cancel') extended.cancelRequested = true;
  return extended;
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
export class RedisDriver implements Driver, Admin, JobControl {
  /** The families beyond Driver and Admin this driver implements (job control: see docs/redis.md). */
  readonly families = ['jobControl'] as const;
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
  private readonly control: RedisJobControl;
  private readonly enqueues = new EnqueueBatcher((jobs, nows) => this.storeEach(jobs, nows));
  /** Queues this driver already added to the `queues` set. */
  private readonly registeredQueues = new Set<string>();
  private modelChecked = false;
  private modelCheck: Promise<void> | undefined;
  private closed = false;
  private closing: Promise<void> | undefined;

  /**
   * Connects to a standalone Redis and PINGs it. A bad address, a refused
   * connection, bad credentials, a database the server does not have, a
   * refused connection name or a prefix of another data-model version reject
   * within the connect timeout (5 s by default) with a RedisConnectError whose
   * cause is the failure; nothing keeps reconnecting after that.
   */
  static async connect(options: RedisConnectOptions = {}): Promise<RedisDriver> {
    const common = RedisDriver.checkCommon(options);
    const client = await openStandalone(options);
    const target = options.sentinel === undefined ? resolveTarget(options).description : describeSentinel(options.sentinel);
    return RedisDriver.adopt(client, common, target);
  }

  /** Connects to a Redis Cluster, with the same bounded failure as connect. */
  static async connectCluster(options: RedisClusterConnectOptions): Promise<RedisDriver> {
    const common = RedisDriver.checkCommon(options);
    if (!Array.isArray(options.nodes) || options.nodes.length === 0) {
      throw new ValidationError('nodes', 'name at least one startup node of the cluster');
    }
    const client = await openCluster(options);
    return RedisDriver.adopt(client, common, describeCluster(options.nodes));
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

  /** Takes over a freshly opened client; a failed data-model check (or migration) closes it and fails the connect. */
  private static async adopt(client: RedisClient, options: RedisDriverCommonOptions, target: string): Promise<RedisDriver> {
    const driver = new RedisDriver({ ...options, client }, OWNED_CLIENT);
    try {
      await driver.prepare();
    } catch (error) {
      await driver.close();
      throw new RedisConnectError(target, error);
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
    const client = options.client as RedisClient;
    if (typeof client !== 'object' || client === null || CLIENT_METHODS.some((method) => typeof client[method] !== 'function')) {
      throw new ValidationError('client', 'expected an ioredis 5 Redis or Cluster client');
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
    this.control = new RedisJobControl({
      client,
      keys: this.keys,
      retention: this.retention,
      assertOpen: (operation) => this.assertOpen(operation),
      prepare: () => this.prepare(),
      write: (operation, run, queue) => this.write(operation, run, this.keys.queue(queue).ready),
      scriptNow: (now) => this.scriptNow(now),
      openConnection: () => openBlockingConnection(this.client),
    });
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
        retention: this.retention,
      }),
      keys.inflight,
    );
  }

  /** Moves the lease's expiry to now + leaseMs; the token stays. `cancelRequested` tells of a cancel request. */
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
    return extendedLease(lease, expiresAt, reply);
  }

  /**
   * Marks the job done (kept for inspection, with `options.result`) and
   * applies retention; a job with a cancel request ends cancelled. A repeat
   * with the same token succeeds.
   */
  async ack(lease: Lease, now: number, options?: AckOptions): Promise<void> {
    this.assertOpen('ack');
    validateLease(lease);
    validateNow(now);
    validateResult(options?.result);
    await this.prepare();
    const [reply] = await this.write(`ack of job ${lease.jobId}`, () =>
      runAck(this.client, this.keys.queue(lease.queue), [lease], this.scriptNow(now), this.retention, [options?.result]),
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
      runRetry(this.client, this.keys.queue(lease.queue), lease, update, now, this.scriptNow(now), this.retention),
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
      runFail(this.client, this.keys.queue(lease.queue), lease, update, this.scriptNow(now), this.retention),
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
      runRelease(this.client, this.keys.queue(lease.queue), lease, this.scriptNow(now), this.retention),
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
  async ackMany(
    leases: readonly Lease[],
    now: number,
    results?: readonly (Uint8Array | undefined)[],
  ): Promise<BatchOutcome<void>[]> {
    this.assertOpen('ackMany');
    validateArray('leases', leases);
    validateNow(now);
    if (results !== undefined) {
      validateArray('results', results);
      for (const result of results) validateResult(result);
    }
    await this.prepare();
    const resultOf = new Map<Lease, Uint8Array | undefined>(results === undefined ? [] : leases.map((lease, i) => [lease, results[i]]));
    return this.leaseBatch(leases, now, 'ackMany', (queue, group) =>
      runAck(this.client, this.keys.queue(queue), group, this.scriptNow(now), this.retention, results && group.map((lease) => resultOf.get(lease))),
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
      outcomes.map((outcome, i) => (outcome.ok ? toOutcome(extendedLease(leases[i] as Lease, expiresAt, outcome.value)) : outcome)),
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
      type: request.type,
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

  /** The number of jobs in each status and the paused flag, in one round trip. */
  counts(queue: string): Promise<QueueCounts> {
    return this.control.counts(queue);
  }

  /** Every queue that holds or held a job under this prefix, sorted by name. */
  async queues(): Promise<string[]> {
    this.assertOpen('queues');
    await this.prepare();
    return (await this.client.smembers(this.keys.queues)).sort();
  }

  // ---- JobControl (src/job-control) ----

  cancel(ref: JobRef, options: CancelOptions): Promise<CancelResult> {
    return this.control.cancel(ref, options);
  }

  remove(ref: JobRef): Promise<void> {
    return this.control.remove(ref);
  }

  promote(ref: JobRef, options: PromoteOptions): Promise<void> {
    return this.control.promote(ref, options);
  }

  pause(queue: string): Promise<void> {
    return this.control.pause(queue);
  }

  resume(queue: string): Promise<void> {
    return this.control.resume(queue);
  }

  purge(queue: string, options: PurgeOptions): Promise<number> {
    return this.control.purge(queue, options);
  }

  requeueDlqMany(queue: string, options: RequeueManyOptions): Promise<number> {
    return this.control.requeueDlqMany(queue, options);
  }

  setProgress(lease: Lease, progressJson: string, now: number): Promise<void> {
    return this.control.setProgress(lease, progressJson, now);
  }

  waitForFinish(ref: JobRef, signal: AbortSignal): Promise<JobRecord> {
    return this.control.waitForFinish(ref, signal);
  }

  subscribeCancels(subscription: CancelSubscription, onCancel: (ref: JobRef) => void): Promise<void> {
    return this.control.subscribeCancels(subscription, onCancel);
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
    this.modelCheck ??= checkDataModel(this.client, this.keys).then(
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
  ): Promise<BatchOutcome<LeaseReply>[]> {
    const outcomes: BatchOutcome<LeaseReply>[] = new Array(leases.length);
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
            outcomes[positions[i] as number] = error === undefined ? toOutcome(reply as LeaseReply) : toFailure(error);
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
    this.control.close();
    if (!this.ownsClient) return;
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }
}
