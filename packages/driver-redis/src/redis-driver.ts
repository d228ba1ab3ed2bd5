import {
  type AckOptions,
  type AdvanceScheduleRequest,
  type AdvanceScheduleResult,
  type Admin,
  type BatchOutcome,
  type CancelOptions,
  type CancelResult,
  type CancelSubscription,
  type Driver,
  type EnqueueResult,
  type FailUpdate,
  type FlowControl,
  type FlowLimits,
  type GroupFlowState,
  type JobRecord,
  type JobControl,
  type JobRef,
  type Lease,
  type ListPage,
  type ListRequest,
  type MetricsPoint,
  type MetricsRange,
  type NewJobRecord,
  type Observability,
  type PromoteOptions,
  type PurgeOptions,
  type PutScheduleRequest,
  type PutScheduleResult,
  type QueueFlowState,
  type QueueCounts,
  type RequeueManyOptions,
  type RequeueOptions,
  type ReserveRequest,
  type ReserveResult,
  type RegisterWorkerOptions,
  type RetryUpdate,
  type ScheduleListPage,
  type ScheduleListRequest,
  type ScheduleRecord,
  type Schedules,
  type TriggerScheduleOptions,
  ValidationError,
  validateArray,
  validateNewJobRecord,
  validateNow,
  validateReserveRequest,
  validateWaitRequest,
  type WaitForWorkRequest,
  type WaitForWorkResult,
  type WorkerEntry,
  type WorkerInfo,
  type WorkersRequest,
} from '@taskharbor/core';
import { RedisAdmin } from './admin-reads.js';
import { openBlockingConnection } from './blocking-connection.js';
import { describeCluster, openCluster, openStandalone, resolveTarget, warnIfResendUnsafe } from './connection.js';
import { describeSentinel } from './sentinel.js';
import { RedisDriverContext } from './driver-context.js';
import { EnqueueBatcher } from './enqueue-batch.js';
import { EnqueueStore } from './enqueue-store.js';
import type { RedisClusterConnectOptions, RedisConnectOptions, RedisDriverCommonOptions, RedisDriverOptions } from './driver-options.js';
import { RedisConnectError } from './errors.js';
import { RedisFlowControl } from './flow-control.js';
import { RedisJobControl } from './job-control/redis-job-control.js';
import { KeySpace } from './keys.js';
import { RedisLeaseWrites } from './lease-writes.js';
import { MetricsReads } from './metrics-reads.js';
import type { LeaseClock } from './lease-clock.js';
import { runReserve } from './lua/reserve.js';
import type { RedisClient } from './lua/script.js';
import { checkCommonOptions, resolveDriverOptions } from './option-checks.js';
import type { ReplicaAckOptions } from './replica-wait.js';
import { RedisSchedules } from './schedules/redis-schedules.js';
import { WakeListeners } from './wake-listeners.js';
import { Handoffs } from './handoffs.js';
import { WorkerRegistry } from './worker-registry.js';

/** Only connect and connectCluster can pass it: they hand over a client the driver then owns and closes. */
const OWNED_CLIENT: unique symbol = Symbol('taskharbor.redis.owned-client');

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
export class RedisDriver implements Driver, Admin, JobControl, Schedules, FlowControl, Observability {
  /** The families beyond Driver and Admin this driver implements (job control, schedules, flow control, observability: see docs/redis.md). */
  readonly families = ['jobControl', 'schedules', 'flowControl', 'observability'] as const;
  /** The client the driver sends its commands on. */
  readonly client: RedisClient;
  readonly keyPrefix: string;
  readonly leaseClock: LeaseClock;
  /** See RedisDriverCommonOptions.commandTimeoutMs. */
  readonly commandTimeoutMs: number;
  /** See RedisDriverCommonOptions.replicas; undefined when off. */
  readonly replicas: ReplicaAckOptions | undefined;
  private readonly keys: KeySpace;
  private readonly ownsClient: boolean;
  private readonly wakeups: WakeListeners;
  /** Closed or not, the data-model check, and how scripts are sent (src/driver-context.ts). */
  private readonly ctx: RedisDriverContext;
  private readonly control: RedisJobControl;
  private readonly flow: RedisFlowControl;
  private readonly store: EnqueueStore;
  private readonly admin: RedisAdmin;
  private readonly leases: RedisLeaseWrites;
  private readonly scheduling: RedisSchedules;
  private readonly workerRegistry: WorkerRegistry;
  private readonly metricsReads: MetricsReads;
  private readonly enqueues = new EnqueueBatcher((jobs, nows) => this.store.storeEach(jobs, nows));
  private closing: Promise<void> | undefined;

  /**
   * Connects to a standalone Redis and PINGs it. A bad address, a refused
   * connection, bad credentials, a database the server does not have, a
   * refused connection name or a prefix of another data-model version reject
   * within the connect timeout (5 s by default) with a RedisConnectError whose
   * cause is the failure; nothing keeps reconnecting after that.
   */
  static async connect(options: RedisConnectOptions = {}): Promise<RedisDriver> {
    const common = checkCommonOptions(options);
    const client = await openStandalone(options);
    const target = options.sentinel === undefined ? resolveTarget(options).description : describeSentinel(options.sentinel);
    return RedisDriver.adopt(client, common, target);
  }

  /** Connects to a Redis Cluster, with the same bounded failure as connect. */
  static async connectCluster(options: RedisClusterConnectOptions): Promise<RedisDriver> {
    const common = checkCommonOptions(options);
    if (!Array.isArray(options.nodes) || options.nodes.length === 0) {
      throw new ValidationError('nodes', 'name at least one startup node of the cluster');
    }
    const client = await openCluster(options);
    return RedisDriver.adopt(client, common, describeCluster(options.nodes));
  }

  /** Takes over a freshly opened client; a failed data-model check (or migration) closes it and fails the connect. */
  private static async adopt(client: RedisClient, options: RedisDriverCommonOptions, target: string): Promise<RedisDriver> {
    const driver = new RedisDriver({ ...options, client }, OWNED_CLIENT);
    try {
      await driver.ctx.prepare();
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
    const settings = resolveDriverOptions(options);
    this.client = settings.client;
    this.keyPrefix = settings.keyPrefix;
    this.keys = new KeySpace(settings.keyPrefix);
    this.leaseClock = settings.leaseClock;
    this.commandTimeoutMs = settings.commandTimeoutMs;
    this.replicas = settings.replicas;
    this.ownsClient = ownsClient;
    if (!ownsClient) warnIfResendUnsafe(this.client);
    this.ctx = new RedisDriverContext({ ...settings, keys: this.keys });
    this.wakeups = new WakeListeners(
      () => openBlockingConnection(this.client),
      (queue) => this.keys.queue(queue).signal,
      // An enqueue leases a handed job from its caller's now, so handoff needs leases on the callers' clocks.
      settings.leaseClock === 'caller' ? new Handoffs(this.ctx) : undefined,
    );
    this.control = new RedisJobControl(this.ctx);
    this.flow = new RedisFlowControl(this.ctx);
    this.store = new EnqueueStore(this.ctx);
    this.admin = new RedisAdmin(this.ctx);
    this.leases = new RedisLeaseWrites(this.ctx);
    this.scheduling = new RedisSchedules(this.ctx, this.store);
    this.workerRegistry = new WorkerRegistry(this.ctx);
    this.metricsReads = new MetricsReads(this.ctx);
  }

  // ---- Driver ----

  /**
   * Stores one job, or answers `existed: true` for a known id or idempotency
   * key in its queue. Enqueues made in the same turn of the event loop go to
   * Redis together, one script per queue (see EnqueueBatcher).
   */
  async enqueue(job: NewJobRecord, now: number): Promise<EnqueueResult> {
    this.ctx.assertOpen('enqueue');
    validateNow(now);
    validateNewJobRecord(job);
    await this.ctx.prepare();
    return this.enqueues.add(job, now);
  }

  /**
   * Validates every record, then stores the jobs of each queue in one atomic
   * script; the scripts of different queues go out together, in one round
   * trip. A later duplicate of an earlier entry answers `existed: true`.
   */
  async enqueueMany(jobs: readonly NewJobRecord[], now: number): Promise<EnqueueResult[]> {
    this.ctx.assertOpen('enqueueMany');
    validateNow(now);
    validateArray('jobs', jobs);
    for (const job of jobs) validateNewJobRecord(job);
    if (jobs.length === 0) return [];
    return this.store.storeJobs(jobs, now);
  }

  /** Promotes due jobs, reclaims expired leases and leases up to `limit` jobs, in one script. */
  async reserve(request: ReserveRequest): Promise<ReserveResult> {
    this.ctx.assertOpen('reserve');
    validateReserveRequest(request);
    await this.ctx.prepare();
    const keys = this.keys.queue(request.queue);
    return this.ctx.writeKey(`reserve on queue ${request.queue}`, () =>
      runReserve(this.client, keys, {
        now: request.now,
        scriptNow: this.ctx.scriptNow(request.now),
        limit: request.limit,
        leaseMs: request.leaseMs,
        retention: this.ctx.retention,
      }),
      keys.inflight,
    );
  }

  // ---- Lease writes (src/lease-writes.ts) ----

  extendLease(lease: Lease, leaseMs: number, now: number): Promise<Lease> {
    return this.leases.extendLease(lease, leaseMs, now);
  }

  ack(lease: Lease, now: number, options?: AckOptions): Promise<void> {
    return this.leases.ack(lease, now, options);
  }

  retry(lease: Lease, update: RetryUpdate, now: number): Promise<void> {
    return this.leases.retry(lease, update, now);
  }

  fail(lease: Lease, update: FailUpdate, now: number): Promise<void> {
    return this.leases.fail(lease, update, now);
  }

  release(lease: Lease, now: number): Promise<void> {
    return this.leases.release(lease, now);
  }

  ackMany(leases: readonly Lease[], now: number, results?: readonly (Uint8Array | undefined)[]): Promise<BatchOutcome<void>[]> {
    return this.leases.ackMany(leases, now, results);
  }

  extendLeases(leases: readonly Lease[], leaseMs: number, now: number): Promise<BatchOutcome<Lease>[]> {
    return this.leases.extendLeases(leases, leaseMs, now);
  }

  /**
   * Resolves when one of the queues may have runnable work (a token on its
   * signal list), when the signal aborts, or when the driver closes. Each
   * watched queue has one blocking connection (see WakeListeners). With
   * `request.handoff`, an enqueue may lease its job to this wait and the
   * wait resolves with it (leases on the callers' clocks only).
   */
  async waitForWork(request: WaitForWorkRequest): Promise<WaitForWorkResult | undefined> {
    this.ctx.assertOpen('waitForWork');
    validateWaitRequest(request);
    return this.wakeups.wait(request.queues, request.signal, request.handoff?.leaseMs);
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

  // ---- Admin (src/admin-reads.ts; counts with job control) ----

  inspect(ref: JobRef): Promise<JobRecord | undefined> {
    return this.admin.inspect(ref);
  }

  list(request: ListRequest): Promise<ListPage> {
    return this.admin.list(request);
  }

  requeueDlq(ref: JobRef, options: RequeueOptions): Promise<void> {
    return this.admin.requeueDlq(ref, options);
  }

  /** The number of jobs in each status and the paused flag, in one round trip. */
  counts(queue: string): Promise<QueueCounts> {
    return this.control.counts(queue);
  }

  queues(): Promise<string[]> {
    return this.admin.queues();
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

  // ---- Flow control (flow-control.ts) ----

  setQueueLimits(queue: string, limits: FlowLimits): Promise<void> {
    return this.flow.setQueueLimits(queue, limits);
  }

  setGroupLimits(queue: string, limits: FlowLimits, group?: string): Promise<void> {
    return this.flow.setGroupLimits(queue, limits, group);
  }

  pauseGroup(queue: string, group: string): Promise<void> {
    return this.flow.pauseGroup(queue, group);
  }

  resumeGroup(queue: string, group: string): Promise<void> {
    return this.flow.resumeGroup(queue, group);
  }

  flowState(queue: string): Promise<QueueFlowState> {
    return this.flow.flowState(queue);
  }

  groupState(queue: string, group: string): Promise<GroupFlowState> {
    return this.flow.groupState(queue, group);
  }

  snooze(lease: Lease, runAt: number, now: number): Promise<void> {
    return this.flow.snooze(lease, runAt, now);
  }

  holdBack(lease: Lease, until: number, now: number): Promise<void> {
    return this.flow.holdBack(lease, until, now);
  }

  // ---- Schedules (src/schedules) ----

  putSchedule(request: PutScheduleRequest): Promise<PutScheduleResult> {
    return this.scheduling.putSchedule(request);
  }

  removeSchedule(name: string): Promise<boolean> {
    return this.scheduling.removeSchedule(name);
  }

  getSchedule(name: string): Promise<ScheduleRecord | undefined> {
    return this.scheduling.getSchedule(name);
  }

  advanceSchedule(request: AdvanceScheduleRequest): Promise<AdvanceScheduleResult> {
    return this.scheduling.advanceSchedule(request);
  }

  schedules(request?: ScheduleListRequest): Promise<ScheduleListPage> {
    return this.scheduling.schedules(request);
  }

  triggerSchedule(name: string, options: TriggerScheduleOptions): Promise<EnqueueResult> {
    return this.scheduling.triggerSchedule(name, options);
  }

  pauseSchedule(name: string): Promise<void> {
    return this.scheduling.pauseSchedule(name);
  }

  resumeSchedule(name: string): Promise<void> {
    return this.scheduling.resumeSchedule(name);
  }

  // ---- Observability (worker-registry.ts, metrics-reads.ts; meta in the job hash, counts in the outcome scripts) ----

  registerWorker(info: WorkerInfo, options: RegisterWorkerOptions): Promise<void> {
    return this.workerRegistry.registerWorker(info, options);
  }

  removeWorker(id: string): Promise<boolean> {
    return this.workerRegistry.removeWorker(id);
  }

  workers(request?: WorkersRequest): Promise<WorkerEntry[]> {
    return this.workerRegistry.workers(request);
  }

  metrics(queue: string, range: MetricsRange): Promise<MetricsPoint[]> {
    return this.metricsReads.metrics(queue, range);
  }

  // ---- Internals ----

  private async shutDown(): Promise<void> {
    // Offers standing for this driver's waits are taken back while it can still write.
    await this.wakeups.withdrawAll();
    this.ctx.markClosed();
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
