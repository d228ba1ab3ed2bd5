import {
  type AdvanceScheduleRequest,
  type AdvanceScheduleResult,
  type AckOptions,
  type Admin,
  type BatchOutcome,
  type CancelOptions,
  type CancelResult,
  type CancelSubscription,
  type Driver,
  DriverClosedError,
  type DriverFamily,
  type EnqueueResult,
  type FailUpdate,
  type FlowControl,
  type FlowLimits,
  type GroupFlowState,
  type JobControl,
  type JobRecord,
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
  type RegisterWorkerOptions,
  type RequeueManyOptions,
  type RequeueOptions,
  type ReserveRequest,
  type ReserveResult,
  type ResolvedRetention,
  type RetryUpdate,
  resolveRetention,
  type ScheduleListPage,
  type ScheduleListRequest,
  type ScheduleRecord,
  type Schedules,
  type TriggerScheduleOptions,
  ValidationError,
  validateWaitRequest,
  type WaitForWorkRequest,
  type WorkerEntry,
  type WorkerInfo,
  type WorkersRequest,
} from '@taskharbor/core';
import pg from 'pg';
import { AdminReads } from './admin-reads.js';
import { Database } from './database.js';
import { checkConnectOptions, checkPool, type PostgresConnectOptions, type PostgresDriverOptions, redact } from './driver-options.js';
import type { DriverContext } from './driver-context.js';
import { DriverNotices } from './driver-notices.js';
import { EnqueueStore } from './enqueue-store.js';
import { PostgresConnectError, SchemaVersionError } from './errors.js';
import { type LeaseClock, validateLeaseClock } from './lease-clock.js';
import { PostgresFlowControl } from './flow-control/postgres-flow-control.js';
import { finishedRecord, PostgresJobControl } from './job-control/postgres-job-control.js';
import { LeaseOperations } from './lease-operations.js';
import { MetricsSweep } from './metrics-sweep.js';
import { PostgresObservability } from './observability/postgres-observability.js';
import { trimFinished } from './retention.js';
import { ReserveOperation } from './reserve-operation.js';
import { PostgresSchedules } from './schedules/postgres-schedules.js';
import { DEFAULT_SCHEMA, validateSchemaName } from './schema-name.js';

/**
 * The PostgreSQL driver: jobs live in one table of the driver's schema,
 * every change of jobs alone is one SQL statement (its own transaction),
 * a change of a schedule and its jobs one transaction that locks the
 * schedule's row first, reserve hands out a batch with `FOR UPDATE SKIP
 * LOCKED`, and one LISTEN connection per driver carries every wake-up. Times are the callers'
 * epoch milliseconds, stored as bigint; the database clock is read only by
 * the lease statements under `leaseClock: 'server'`.
 *
 * @example
 * const driver = await PostgresDriver.connect({ connectionString: process.env.DATABASE_URL });
 * // or, with the app's own pool (never ended by the driver):
 * const shared = new PostgresDriver({ pool, schema: 'jobs' });
 */
export class PostgresDriver implements Driver, Admin, JobControl, Schedules, FlowControl, Observability {
  /** The families of operations beyond Driver and Admin that this driver implements. */
  readonly families: readonly DriverFamily[] = ['jobControl', 'schedules', 'flowControl', 'observability'];
  /**
   * Workers start this many reserved jobs per turn, so acks and refilling
   * reserves come 100 at a time: every statement here waits for its own
   * commit, and a batch of 100 costs little more than one of 25
   * (docs/benchmarks.md, "Batches sized for PostgreSQL").
   */
  readonly batchSize = 100;
  /** The schema that holds the driver's tables. */
  readonly schema: string;
  /** The clock lease decisions follow (see PostgresDriverOptions.leaseClock). */
  readonly leaseClock: LeaseClock;
  private readonly db: Database;
  private readonly retention: ResolvedRetention;
  private readonly notices: DriverNotices;
  private readonly enqueues: EnqueueStore;
  private readonly reserving: ReserveOperation;
  private readonly leases: LeaseOperations;
  private readonly admin: AdminReads;
  private readonly control: PostgresJobControl;
  private readonly scheduling: PostgresSchedules;
  private readonly flow: PostgresFlowControl;
  private readonly observability: PostgresObservability;
  private readonly metricsSweep: MetricsSweep;
  private ownsPool = false;
  private closed = false;

  constructor(options: PostgresDriverOptions) {
    checkPool(options);
    this.schema = validateSchemaName(options.schema ?? DEFAULT_SCHEMA);
    this.retention = resolveRetention(options.retention);
    this.leaseClock = validateLeaseClock(options.leaseClock);
    this.db = new Database(options.pool, this.schema, this.leaseClock);
    this.metricsSweep = new MetricsSweep(this.db);
    this.notices = new DriverNotices(options.pool, this.schema, (ref) => finishedRecord(this.db, ref), () => this.ready());
    const { waiters, finishWaiters } = this.notices;
    const ctx: DriverContext = {
      db: this.db,
      retention: this.retention,
      waiters,
      finishWaiters,
      flowQueues: new Set<string>(),
      metricsSweep: this.metricsSweep,
      assertOpen: (operation) => this.assertOpen(operation),
      store: (operation, jobs, now) => this.enqueues.store(operation, jobs, now),
      jobFinished: (queue, id, status, now) => this.jobFinished(queue, id, status, now),
    };
    this.enqueues = new EnqueueStore(this.db, waiters, ctx.assertOpen);
    this.reserving = new ReserveOperation(ctx);
    this.leases = new LeaseOperations(ctx);
    this.admin = new AdminReads(ctx);
    this.control = new PostgresJobControl(ctx, this.notices.listener, this.notices.cancelListeners, () => this.ready());
    this.scheduling = new PostgresSchedules(ctx);
    this.flow = new PostgresFlowControl(ctx);
    this.observability = new PostgresObservability(ctx);
  }

  /**
   * Opens a pool on `connectionString` (default DATABASE_URL), creates or
   * migrates the schema, and returns a driver that ends the pool on close().
   * Fails with PostgresConnectError when the server cannot be reached, and
   * SchemaVersionError when the schema is newer than this driver.
   */
  static async connect(options: PostgresConnectOptions = {}): Promise<PostgresDriver> {
    const { connectionString, poolSize, driverOptions } = checkConnectOptions(options);
    const pool = new pg.Pool({ connectionString, max: poolSize });
    // An idle connection that drops is replaced on next use; without a listener pg would crash the process.
    pool.on('error', () => undefined);
    let driver: PostgresDriver;
    try {
      driver = new PostgresDriver({ ...driverOptions, pool });
      driver.ownsPool = true;
      await driver.ready();
    } catch (error) {
      await pool.end().catch(() => undefined);
      if (error instanceof SchemaVersionError || error instanceof ValidationError) throw error;
      throw new PostgresConnectError(redact(connectionString), error);
    }
    return driver;
  }

  /** Creates or migrates the schema once (new PostgresDriver does it on first use; connect before returning). */
  ready(): Promise<void> {
    return this.db.ready();
  }

  // ---- Driver (enqueue: src/enqueue-store.ts, reserve: src/reserve-operation.ts) ----

  /** Stores one job, or answers `existed: true` for a known id or idempotency key in its queue. */
  enqueue(job: NewJobRecord, now: number): Promise<EnqueueResult> {
    return this.enqueues.enqueue(job, now);
  }

  /** Validates every record, then stores them all in one statement; a later duplicate of an earlier one answers `existed: true`. */
  enqueueMany(jobs: readonly NewJobRecord[], now: number): Promise<EnqueueResult[]> {
    return this.enqueues.enqueueMany(jobs, now);
  }

  /** Promotes due jobs, reclaims expired leases and leases up to `limit` jobs in one statement; expiries and nextDueAt come back on the caller's clock. */
  reserve(request: ReserveRequest): Promise<ReserveResult> {
    return this.reserving.reserve(request);
  }

  // ---- Lease writes (src/lease-operations.ts) ----

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
   * Resolves when one of the queues may have runnable work (a notice on the
   * driver's one listening connection, or this driver's own write), when the
   * signal aborts, or when the driver closes.
   */
  async waitForWork(request: WaitForWorkRequest): Promise<void> {
    this.assertOpen('waitForWork');
    validateWaitRequest(request);
    return this.notices.waitForWork(request.queues, request.signal);
  }

  /** Stops listening, settles pending waits and ends the pool if connect() made it. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.notices.close();
    if (this.ownsPool) await this.db.pool.end().catch(() => undefined);
  }

  // ---- Admin (src/admin-reads.ts) ----

  inspect(ref: JobRef): Promise<JobRecord | undefined> {
    return this.admin.inspect(ref);
  }

  list(request: ListRequest): Promise<ListPage> {
    return this.admin.list(request);
  }

  requeueDlq(ref: JobRef, options: RequeueOptions): Promise<void> {
    return this.admin.requeueDlq(ref, options);
  }

  counts(queue: string): Promise<QueueCounts> {
    return this.admin.counts(queue);
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

  // ---- FlowControl (src/flow-control) ----

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

  // ---- Observability (src/observability) ----

  registerWorker(info: WorkerInfo, options: RegisterWorkerOptions): Promise<void> {
    return this.observability.registerWorker(info, options);
  }

  removeWorker(id: string): Promise<boolean> {
    return this.observability.removeWorker(id);
  }

  workers(request?: WorkersRequest): Promise<WorkerEntry[]> {
    return this.observability.workers(request);
  }

  metrics(queue: string, range: MetricsRange): Promise<MetricsPoint[]> {
    return this.observability.metrics(queue, range);
  }

  /** The backend pid of the driver's listening connection, once it listens (for operators and fault tests). */
  get listenerPid(): number | undefined {
    return this.notices.listener.backendPid;
  }

  // ---- Internals ----

  private assertOpen(operation: string): void {
    if (this.closed) throw new DriverClosedError(operation);
  }

  /** Applies the retention of the job's new finished status and tells this driver's waiters of it. */
  private async jobFinished(queue: string, id: string, status: 'done' | 'dlq' | 'cancelled', now: number): Promise<void> {
    void this.notices.finishWaiters.recheck(queue, id);
    await trimFinished(this.db, this.retention, queue, status, now);
    await this.metricsSweep.seen(now);
  }
}
