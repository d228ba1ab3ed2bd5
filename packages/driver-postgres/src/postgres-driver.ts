import {
  type AdvanceScheduleRequest,
  type AdvanceScheduleResult,
  CancelListeners,
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
  type ReservedJob,
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
  validateArray,
  validateNewJobRecord,
  validateNow,
  validateReserveRequest,
  validateWaitRequest,
  type WaitForWorkRequest,
  type WorkerEntry,
  type WorkerInfo,
  type WorkersRequest,
} from '@taskharbor/core';
import pg from 'pg';
import { AdminReads } from './admin-reads.js';
import { Database } from './database.js';
import { type PostgresConnectOptions, type PostgresDriverOptions, redact } from './driver-options.js';
import type { DriverContext } from './driver-context.js';
import { EnqueueStore } from './enqueue-store.js';
import { PostgresConnectError, SchemaVersionError } from './errors.js';
import { FinishWaiters } from './finish-waiters.js';
import { type LeaseClock, validateLeaseClock } from './lease-clock.js';
import { PostgresFlowControl } from './flow-control/postgres-flow-control.js';
import { finishedRecord, PostgresJobControl } from './job-control/postgres-job-control.js';
import { toMillis, toRecord } from './job-row.js';
import { decidedAt } from './lease-check.js';
import { LeaseOperations } from './lease-operations.js';
import { Listener } from './listener.js';
import { MetricsSweep } from './metrics-sweep.js';
import { PostgresObservability } from './observability/postgres-observability.js';
import { trimFinished } from './retention.js';
import { PostgresSchedules } from './schedules/postgres-schedules.js';
import type { ReserveRow } from './sql/reserve.js';
import { channelName, DEFAULT_SCHEMA, validateSchemaName } from './schema-name.js';
import { WorkWaiters } from './work-waiters.js';

/** The most due scheduled jobs and the most expired leases one reserve moves (each), so a backlog never makes one long statement. */
export const RESERVE_DUE_BOUND = 1000;

/**
 * How long (the callers' clock) reserve goes straight to the locked flow
 * statement for a queue after the lock-free one found it needs it; then it
 * asks again, so a cleared limit or an ended hold brings the queue back.
 * The lock-free statement checks the queue in its own snapshot every time,
 * so this only saves a round trip, it never lets a limit slip.
 */
export const LOCKED_RECHECK_MS = 1000;

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
  /** The schema that holds the driver's tables. */
  readonly schema: string;
  /** The clock lease decisions follow (see PostgresDriverOptions.leaseClock). */
  readonly leaseClock: LeaseClock;
  private readonly db: Database;
  private readonly retention: ResolvedRetention;
  private readonly waiters = new WorkWaiters();
  private readonly finishWaiters: FinishWaiters;
  private readonly cancelListeners = new CancelListeners();
  private readonly listener: Listener;
  private readonly enqueues: EnqueueStore;
  private readonly leases: LeaseOperations;
  private readonly admin: AdminReads;
  private readonly control: PostgresJobControl;
  private readonly scheduling: PostgresSchedules;
  private readonly flow: PostgresFlowControl;
  private readonly observability: PostgresObservability;
  private readonly metricsSweep: MetricsSweep;
  /**
   * Queues seen using flow control (queues.flow, which is never cleared):
   * reserve goes straight to the flow statements for them (the lock-free
   * reserve-priority.sql, which hands the queue to reserve_flow when it
   * needs more than priorities). For any other
   * queue the plain statement reads the flag in its own snapshot and hands
   * out nothing when it is set, so this knowledge never lets a limit slip.
   */
  private readonly flowQueues = new Set<string>();
  /** Flow queues that needed the locked reserve (groups, limits, a hold), until when (the callers' clock) to go straight to it. */
  private readonly lockedFlowQueues = new Map<string, number>();
  private ownsPool = false;
  private closed = false;

  constructor(options: PostgresDriverOptions) {
    // Duck-typed rather than instanceof: the app's pg may be another copy of the package.
    const pool = (options as { pool?: { query?: unknown; connect?: unknown } } | null)?.pool;
    if (typeof pool?.query !== 'function' || typeof pool.connect !== 'function') {
      throw new ValidationError('pool', 'expected a pg Pool (new Pool(...) from the pg package)');
    }
    this.schema = validateSchemaName(options.schema ?? DEFAULT_SCHEMA);
    this.retention = resolveRetention(options.retention);
    this.leaseClock = validateLeaseClock(options.leaseClock);
    this.db = new Database(options.pool, this.schema, this.leaseClock);
    this.metricsSweep = new MetricsSweep(this.db);
    this.finishWaiters = new FinishWaiters((ref) => finishedRecord(this.db, ref));
    const poolOptions = (options.pool as unknown as { options: pg.ClientConfig }).options;
    this.listener = new Listener(() => new pg.Client(poolOptions), channelName(this.schema), {
      work: (queue) => this.waiters.wake(queue),
      finish: (queue, id) => void this.finishWaiters.recheck(queue, id),
      cancel: (queue, id) => this.cancelListeners.requested({ queue, id }),
      reconnected: () => {
        this.waiters.wakeAll();
        this.finishWaiters.recheckAll();
      },
    });
    const ctx: DriverContext = {
      db: this.db,
      retention: this.retention,
      waiters: this.waiters,
      finishWaiters: this.finishWaiters,
      flowQueues: this.flowQueues,
      metricsSweep: this.metricsSweep,
      assertOpen: (operation) => this.assertOpen(operation),
      store: (operation, jobs, now) => this.enqueues.store(operation, jobs, now),
      jobFinished: (queue, id, status, now) => this.jobFinished(queue, id, status, now),
    };
    this.enqueues = new EnqueueStore(this.db, this.waiters);
    this.leases = new LeaseOperations(ctx);
    this.admin = new AdminReads(ctx);
    this.control = new PostgresJobControl(ctx, this.listener, this.cancelListeners, () => this.ready());
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
    const connectionString = options.connectionString ?? process.env.DATABASE_URL;
    if (typeof connectionString !== 'string' || connectionString === '') {
      throw new ValidationError('connectionString', 'give connectionString or set DATABASE_URL (postgres://user@host:5432/db)');
    }
    const { connectionString: _url, poolSize, ...driverOptions } = options;
    if (poolSize !== undefined && (!Number.isInteger(poolSize) || poolSize < 1)) {
      throw new ValidationError('poolSize', `expected an integer >= 1, got ${String(poolSize)}`);
    }
    validateLeaseClock(options.leaseClock);
    const pool = new pg.Pool({ connectionString, max: poolSize ?? 10 });
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

  // ---- Driver ----

  /** Stores one job, or answers `existed: true` for a known id or idempotency key in its queue. */
  async enqueue(job: NewJobRecord, now: number): Promise<EnqueueResult> {
    this.assertOpen('enqueue');
    validateNow(now);
    validateNewJobRecord(job);
    return (await this.enqueues.store('enqueue', [job], now))[0] as EnqueueResult;
  }

  /** Validates every record, then stores them all in one statement; a later duplicate of an earlier one answers `existed: true`. */
  async enqueueMany(jobs: readonly NewJobRecord[], now: number): Promise<EnqueueResult[]> {
    this.assertOpen('enqueueMany');
    validateNow(now);
    validateArray('jobs', jobs);
    for (const job of jobs) validateNewJobRecord(job);
    if (jobs.length === 0) return [];
    return this.enqueues.store('enqueueMany', jobs, now);
  }

  /**
   * Promotes due jobs, reclaims expired leases and leases up to `limit` jobs,
   * all in one statement. The leases' expiries and nextDueAt come back on the
   * caller's clock: `now` plus their distance from the statement's own now
   * (the database's under leaseClock 'server'); the job records show the
   * stored expiry.
   */
  async reserve(request: ReserveRequest): Promise<ReserveResult> {
    this.assertOpen('reserve');
    validateReserveRequest(request);
    const { queue, limit, leaseMs, now } = request;
    const params: [string, number, number, number, number] = [queue, now, limit, leaseMs, RESERVE_DUE_BOUND];
    let rows: ReserveRow[] | undefined;
    if (!this.flowQueues.has(queue)) {
      const plain = await this.db.write('reserve', this.db.sql.reserve, params);
      if (plain[0]?.flow) this.flowQueues.add(queue);
      else rows = plain;
    }
    if (rows === undefined && !((this.lockedFlowQueues.get(queue) ?? Number.NEGATIVE_INFINITY) > now)) {
      const fast = await this.db.write('reserve', this.db.sql.reservePriority, params);
      if (fast[0]?.locked) this.lockedFlowQueues.set(queue, now + LOCKED_RECHECK_MS);
      else {
        this.lockedFlowQueues.delete(queue);
        rows = fast;
      }
    }
    rows ??= await this.db.write('reserve', this.db.sql.reserveFlow, params);
    const decided = decidedAt(rows[0], now);
    const jobs: ReservedJob[] = [];
    for (const row of rows) {
      if (row.id === null) continue;
      const expiresAt = now + (toMillis(row.lease_expires_at as string) - decided);
      jobs.push({ job: toRecord(row), lease: { jobId: row.id, queue, token: row.lease_token as string, expiresAt } });
    }
    const nextDueAt = rows[0]?.next_due_at ?? null;
    return nextDueAt === null ? { jobs } : { jobs, nextDueAt: now + (toMillis(nextDueAt) - decided) };
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
    // A copy, so the caller's array may change while the wait is pending.
    const waiting = this.waiters.wait([...request.queues], request.signal);
    this.startListening();
    return waiting;
  }

  /** Stops listening, settles pending waits and ends the pool if connect() made it. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.waiters.wakeAll();
    this.finishWaiters.rejectAll(() => new DriverClosedError('waitForFinish'));
    this.cancelListeners.clear();
    await this.listener.close();
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
    return this.listener.backendPid;
  }

  // ---- Internals ----

  private assertOpen(operation: string): void {
    if (this.closed) throw new DriverClosedError(operation);
  }

  /** Starts the listening connection for a waiter; a failed start is retried by the listener's reconnect loop. */
  private startListening(): void {
    this.ready()
      .then(() => this.listener.listening())
      .catch(() => this.listener.retrySoon());
  }

  /** Applies the retention of the job's new finished status and tells this driver's waiters of it. */
  private async jobFinished(queue: string, id: string, status: 'done' | 'dlq' | 'cancelled', now: number): Promise<void> {
    void this.finishWaiters.recheck(queue, id);
    await trimFinished(this.db, this.retention, queue, status, now);
    await this.metricsSweep.seen(now);
  }
}
