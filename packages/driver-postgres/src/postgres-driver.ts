import {
  CancelListeners,
  type AckOptions,
  type Admin,
  type BatchOutcome,
  BULK_STEP_SIZE,
  type CancelOptions,
  type CancelResult,
  type CancelSubscription,
  clipErrorText,
  type Driver,
  DriverClosedError,
  type DriverFamily,
  ERROR_HISTORY_SIZE,
  type EnqueueResult,
  type FailUpdate,
  InvalidJobStateError,
  type JobControl,
  JobNotFoundError,
  type JobRecord,
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
  type ReservedJob,
  type ReserveRequest,
  type ReserveResult,
  type ResolvedRetention,
  type RetentionOptions,
  type RetryUpdate,
  resolveRetention,
  ValidationError,
  validateArray,
  validateCancelOptions,
  validateFailUpdate,
  validateJobRef,
  validateLease,
  validateLeaseMs,
  validateListRequest,
  validateName,
  validateNewJobRecord,
  validateNow,
  validateProgressJson,
  validatePurgeOptions,
  validateQueueName,
  validateRequeueManyOptions,
  validateRequeueOptions,
  validateReserveRequest,
  validateResult,
  validateRetryUpdate,
  validateWaitRequest,
  type WaitForWorkRequest,
} from '@taskharbor/core';
import pg from 'pg';
import { Database } from './database.js';
import { answerRepeats, type EnqueueRow, enqueueParams, planEnqueue } from './enqueue-batch.js';
import { PostgresConnectError, SchemaVersionError } from './errors.js';
import { FinishWaiters } from './finish-waiters.js';
import { toMillis, toRecord } from './job-row.js';
import { decodeListCursor, encodeListCursor } from './list-cursor.js';
import { LeaseWrites } from './lease-writes.js';
import { Listener } from './listener.js';
import { type DoneRules, doneRules, trimFinished } from './retention.js';
import { channelName, DEFAULT_SCHEMA, validateSchemaName } from './schema-name.js';
import { WorkWaiters } from './work-waiters.js';

export interface PostgresDriverOptions {
  /** The app's pg Pool. The driver never ends it; close() only stops the driver's own listening connection. */
  pool: pg.Pool;
  /** The schema that holds the driver's tables (created and migrated on first use). Default `taskharbor`. */
  schema?: string;
  /** How many done (and cancelled) and dead-lettered jobs each queue keeps; unset settings take DEFAULT_RETENTION from core. */
  retention?: RetentionOptions;
}

export interface PostgresConnectOptions extends Omit<PostgresDriverOptions, 'pool'> {
  /** postgres:// URL; default: the DATABASE_URL environment variable. */
  connectionString?: string;
  /** Most connections in the driver's pool (default 10), besides the one listening connection. */
  poolSize?: number;
}

/** The most due scheduled jobs and the most expired leases one reserve moves (each), so a backlog never makes one long statement. */
export const RESERVE_DUE_BOUND = 1000;

/** The connection string with its password hidden, for error messages. */
function redact(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    if (url.password !== '') url.password = '***';
    return url.toString();
  } catch {
    return '(an unparsable connection string)';
  }
}

/**
 * The PostgreSQL driver: jobs live in one table of the driver's schema,
 * every state change is one SQL statement (its own transaction), reserve
 * hands out a batch with `FOR UPDATE SKIP LOCKED`, and one LISTEN
 * connection per driver carries every wake-up. Times are the callers'
 * epoch milliseconds, stored as bigint; the database clock is never read.
 *
 * @example
 * const driver = await PostgresDriver.connect({ connectionString: process.env.DATABASE_URL });
 * // or, with the app's own pool (never ended by the driver):
 * const shared = new PostgresDriver({ pool, schema: 'jobs' });
 */
export class PostgresDriver implements Driver, Admin, JobControl {
  /** The families of operations beyond Driver and Admin that this driver implements. */
  readonly families: readonly DriverFamily[] = ['jobControl'];
  /** The schema that holds the driver's tables. */
  readonly schema: string;
  private readonly db: Database;
  private readonly leaseWrites: LeaseWrites;
  private readonly retention: ResolvedRetention;
  private readonly doneRules: DoneRules;
  private readonly waiters = new WorkWaiters();
  private readonly finishWaiters: FinishWaiters;
  private readonly cancelListeners = new CancelListeners();
  private readonly listener: Listener;
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
    this.doneRules = doneRules(this.retention);
    this.db = new Database(options.pool, this.schema);
    this.leaseWrites = new LeaseWrites(this.db);
    this.finishWaiters = new FinishWaiters((ref) => this.finishedRecord(ref));
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
    return (await this.store('enqueue', [job], now))[0] as EnqueueResult;
  }

  /** Validates every record, then stores them all in one statement; a later duplicate of an earlier one answers `existed: true`. */
  async enqueueMany(jobs: readonly NewJobRecord[], now: number): Promise<EnqueueResult[]> {
    this.assertOpen('enqueueMany');
    validateNow(now);
    validateArray('jobs', jobs);
    for (const job of jobs) validateNewJobRecord(job);
    if (jobs.length === 0) return [];
    return this.store('enqueueMany', jobs, now);
  }

  /** Promotes due jobs, reclaims expired leases and leases up to `limit` jobs, all in one statement. */
  async reserve(request: ReserveRequest): Promise<ReserveResult> {
    this.assertOpen('reserve');
    validateReserveRequest(request);
    const { queue, limit, leaseMs, now } = request;
    const rows = await this.db.write('reserve', this.db.sql.reserve, [
      queue,
      now,
      limit,
      leaseMs,
      RESERVE_DUE_BOUND,
    ]);
    const jobs: ReservedJob[] = [];
    for (const row of rows) {
      if (row.id === null) continue;
      jobs.push({
        job: toRecord(row),
        lease: { jobId: row.id, queue, token: row.lease_token as string, expiresAt: toMillis(row.lease_expires_at as string) },
      });
    }
    const nextDueAt = rows[0]?.next_due_at ?? null;
    return nextDueAt === null ? { jobs } : { jobs, nextDueAt: toMillis(nextDueAt) };
  }

  /** Moves the lease's expiry to now + leaseMs; the token stays. */
  async extendLease(lease: Lease, leaseMs: number, now: number): Promise<Lease> {
    this.assertOpen('extendLease');
    validateLease(lease);
    validateLeaseMs(leaseMs);
    validateNow(now);
    const [outcome] = await this.leaseWrites.extend('extendLease', [lease], leaseMs, now);
    if (outcome === undefined || !outcome.ok) throw outcome?.error;
    return outcome.value;
  }

  /** Marks the job done (storing the result) and applies retention. A repeat with the same token succeeds. */
  async ack(lease: Lease, now: number, options?: AckOptions): Promise<void> {
    this.assertOpen('ack');
    validateLease(lease);
    validateNow(now);
    validateResult(options?.result);
    const [outcome] = await this.ackBatch('ack', [lease], now, [options?.result]);
    if (outcome !== undefined && !outcome.ok) throw outcome.error;
  }

  /** Records the failure and puts the job back: ready tail when runnable now, else scheduled. */
  async retry(lease: Lease, update: RetryUpdate, now: number): Promise<void> {
    this.assertOpen('retry');
    validateLease(lease);
    validateRetryUpdate(update);
    validateNow(now);
    const outcome = await this.leaseWrites.one('retry', this.db.sql.retry, lease, now, undefined, [
      update.attempts,
      update.lastError === undefined ? null : clipErrorText(update.lastError),
      update.failedAt,
      update.runAt ?? null,
      ERROR_HISTORY_SIZE,
    ]);
    if (outcome.changed) await this.afterOutcome(lease, outcome.row.new_status, now);
  }

  /** Records the failure and dead-letters the job. A repeat with the same token succeeds. */
  async fail(lease: Lease, update: FailUpdate, now: number): Promise<void> {
    this.assertOpen('fail');
    validateLease(lease);
    validateFailUpdate(update);
    validateNow(now);
    const outcome = await this.leaseWrites.one('fail', this.db.sql.fail, lease, now, 'dlq', [
      update.attempts,
      update.lastError === undefined ? null : clipErrorText(update.lastError),
      update.failedAt,
      clipErrorText(update.reason),
      ERROR_HISTORY_SIZE,
    ]);
    if (outcome.changed) await this.afterOutcome(lease, outcome.row.new_status, now);
  }

  /** Gives the job back without counting a failure: it goes to the head of the ready order. */
  async release(lease: Lease, now: number): Promise<void> {
    this.assertOpen('release');
    validateLease(lease);
    validateNow(now);
    const outcome = await this.leaseWrites.one('release', this.db.sql.release, lease, now, undefined, []);
    if (outcome.changed) await this.afterOutcome(lease, outcome.row.new_status, now);
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

  /** ack for many leases in one statement: one outcome per lease, each what ack alone would have done or thrown. */
  async ackMany(
    leases: readonly Lease[],
    now: number,
    results?: readonly (Uint8Array | undefined)[],
  ): Promise<BatchOutcome<void>[]> {
    this.assertOpen('ackMany');
    validateArray('leases', leases);
    validateNow(now);
    if (results !== undefined) validateArray('results', results);
    const outcomes: BatchOutcome<void>[] = new Array(leases.length);
    const valid: number[] = [];
    leases.forEach((lease, index) => {
      try {
        validateLease(lease);
        validateResult(results?.[index]);
        valid.push(index);
      } catch (error) {
        outcomes[index] = { ok: false, error: error as Error };
      }
    });
    const batch = await this.ackBatch(
      'ackMany',
      valid.map((index) => leases[index] as Lease),
      now,
      valid.map((index) => results?.[index]),
    );
    valid.forEach((index, position) => {
      outcomes[index] = batch[position] as BatchOutcome<void>;
    });
    return outcomes;
  }

  /** extendLease for many leases in one statement: one outcome per lease. */
  async extendLeases(leases: readonly Lease[], leaseMs: number, now: number): Promise<BatchOutcome<Lease>[]> {
    this.assertOpen('extendLeases');
    validateArray('leases', leases);
    validateLeaseMs(leaseMs);
    validateNow(now);
    const outcomes: BatchOutcome<Lease>[] = new Array(leases.length);
    const valid: number[] = [];
    leases.forEach((lease, index) => {
      try {
        validateLease(lease);
        valid.push(index);
      } catch (error) {
        outcomes[index] = { ok: false, error: error as Error };
      }
    });
    const batch = await this.leaseWrites.extend(
      'extendLeases',
      valid.map((index) => leases[index] as Lease),
      leaseMs,
      now,
    );
    valid.forEach((index, position) => {
      outcomes[index] = batch[position] as BatchOutcome<Lease>;
    });
    return outcomes;
  }

  // ---- Admin ----

  /** The stored job, or undefined when the queue holds no such job. */
  async inspect(ref: JobRef): Promise<JobRecord | undefined> {
    this.assertOpen('inspect');
    validateJobRef(ref);
    const [row] = await this.db.read(this.db.sql.inspect, [ref.queue, ref.id]);
    return row === undefined ? undefined : toRecord(row);
  }

  /** One page of a queue's jobs in ascending id order (byte order), by the primary key. */
  async list(request: ListRequest): Promise<ListPage> {
    this.assertOpen('list');
    validateListRequest(request);
    const after = request.cursor === undefined ? null : decodeListCursor(request.cursor);
    const rows = await this.db.read(this.db.sql.list, [
      request.queue,
      request.status ?? null,
      request.type ?? null,
      after,
      request.limit + 1,
    ]);
    const jobs = rows.slice(0, request.limit).map(toRecord);
    if (rows.length <= request.limit) return { jobs };
    return { jobs, nextCursor: encodeListCursor((jobs[jobs.length - 1] as JobRecord).id) };
  }

  /** Moves a dead-lettered job back to the ready tail, or to scheduled when `runAt` is after `now`. */
  async requeueDlq(ref: JobRef, options: RequeueOptions): Promise<void> {
    this.assertOpen('requeueDlq');
    validateJobRef(ref);
    validateRequeueOptions(options);
    const [row] = await this.db.write('requeueDlq', this.db.sql.requeueDlq, [
      ref.queue,
      ref.id,
      null,
      1,
      options.resetAttempts === true,
      options.runAt ?? null,
      options.now,
    ]);
    if ((row?.moved ?? 0) > 0) {
      this.waiters.wake(ref.queue);
      return;
    }
    const status = await this.statusOf(ref);
    if (status === undefined) throw new JobNotFoundError(ref.queue, ref.id);
    throw new ValidationError('status', `job ${ref.id} is ${status}; only a dead-lettered job can be requeued`);
  }

  /** The number of jobs in each status, and whether the queue is paused. */
  async counts(queue: string): Promise<QueueCounts> {
    this.assertOpen('counts');
    validateName('queue', queue);
    const rows = await this.db.read(this.db.sql.counts, [queue]);
    const counts: QueueCounts = { ready: 0, scheduled: 0, inflight: 0, done: 0, dlq: 0, cancelled: 0, paused: false };
    for (const row of rows) {
      counts.paused = row.paused;
      if (row.status !== null) counts[row.status as keyof Omit<QueueCounts, 'paused'>] = row.jobs;
    }
    return counts;
  }

  /** Every queue that holds or held a job (or was paused), sorted by name. */
  async queues(): Promise<string[]> {
    this.assertOpen('queues');
    const rows = await this.db.read(this.db.sql.queues, []);
    return rows.map((row) => row.name);
  }

  // ---- JobControl ----

  /** Cancels a waiting job at once; a running one gets a cancel request, pushed to subscribeCancels listeners. */
  async cancel(ref: JobRef, options: CancelOptions): Promise<CancelResult> {
    this.assertOpen('cancel');
    validateJobRef(ref);
    validateCancelOptions(options);
    const reason = options.reason === undefined ? null : clipErrorText(options.reason);
    const [row] = await this.db.write('cancel', this.db.sql.cancel, [
      ref.queue,
      ref.id,
      options.now,
      reason,
    ]);
    if (row?.status == null) throw new JobNotFoundError(ref.queue, ref.id);
    if (row.new_status === null) {
      throw new InvalidJobStateError(ref.id, row.status, 'cancel', 'only a waiting or running job can be cancelled');
    }
    if (row.new_status === 'inflight') return { status: 'cancelling' };
    await this.jobFinished(ref.queue, ref.id, 'cancelled', options.now);
    return { status: 'cancelled' };
  }

  /** Deletes a job that is not in flight, with its idempotency mapping. */
  async remove(ref: JobRef): Promise<void> {
    this.assertOpen('remove');
    validateJobRef(ref);
    const [row] = await this.db.write('remove', this.db.sql.remove, [ref.queue, ref.id]);
    if (row?.status == null) throw new JobNotFoundError(ref.queue, ref.id);
    if (!row.removed) {
      throw new InvalidJobStateError(ref.id, row.status, 'remove', 'cancel it first, then remove it once it has finished');
    }
    void this.finishWaiters.recheck(ref.queue, ref.id);
  }

  /** Makes a scheduled job ready now, at the ready tail. */
  async promote(ref: JobRef, options: PromoteOptions): Promise<void> {
    this.assertOpen('promote');
    validateJobRef(ref);
    validateNow(options?.now);
    const [row] = await this.db.write('promote', this.db.sql.promote, [ref.queue, ref.id]);
    if (row?.status == null) throw new JobNotFoundError(ref.queue, ref.id);
    if (!row.promoted) throw new InvalidJobStateError(ref.id, row.status, 'promote', 'only a scheduled job can be promoted');
    this.waiters.wake(ref.queue);
  }

  /** Stops the queue handing out jobs until resume; stored, so every process obeys it. */
  async pause(queue: string): Promise<void> {
    this.assertOpen('pause');
    validateQueueName(queue);
    await this.db.write('pause', this.db.sql.setPaused, [queue, true]);
  }

  /** Lets the queue hand out jobs again and wakes its waiting workers. */
  async resume(queue: string): Promise<void> {
    this.assertOpen('resume');
    validateQueueName(queue);
    await this.db.write('resume', this.db.sql.setPaused, [queue, false]);
    this.waiters.wake(queue);
  }

  /** Removes matching jobs, at most BULK_STEP_SIZE per statement, up to the limit; returns how many. */
  async purge(queue: string, options: PurgeOptions): Promise<number> {
    this.assertOpen('purge');
    validateQueueName(queue);
    validatePurgeOptions(options);
    return this.inSteps(options.limit, async (step) => {
      const [row] = await this.db.write('purge', this.db.sql.purgeStep, [
        queue,
        options.status,
        options.type ?? null,
        options.olderThanMs ?? null,
        options.now ?? null,
        step,
      ]);
      return row?.removed ?? 0;
    });
  }

  /** Moves matching dead-lettered jobs to the ready tail, oldest failure first, at most BULK_STEP_SIZE per statement. */
  async requeueDlqMany(queue: string, options: RequeueManyOptions): Promise<number> {
    this.assertOpen('requeueDlqMany');
    validateQueueName(queue);
    validateRequeueManyOptions(options);
    const moved = await this.inSteps(options.limit, async (step) => {
      const [row] = await this.db.write('requeueDlqMany', this.db.sql.requeueDlq, [
        queue,
        null,
        options.type ?? null,
        step,
        options.resetAttempts === true,
        null,
        options.now,
      ]);
      return row?.moved ?? 0;
    });
    if (moved > 0) this.waiters.wake(queue);
    return moved;
  }

  /** Stores a progress report on a job whose lease is still valid. */
  async setProgress(lease: Lease, progressJson: string, now: number): Promise<void> {
    this.assertOpen('setProgress');
    validateLease(lease);
    validateProgressJson(progressJson);
    validateNow(now);
    await this.leaseWrites.one('setProgress', this.db.sql.setProgress, lease, now, undefined, [progressJson]);
  }

  /** Resolves once the job is done, dead-lettered or cancelled; waits on the shared listening connection. */
  async waitForFinish(ref: JobRef, signal: AbortSignal): Promise<JobRecord> {
    this.assertOpen('waitForFinish');
    validateJobRef(ref);
    validateWaitRequest({ queues: [ref.queue], signal });
    signal.throwIfAborted();
    // Registered before anything is awaited, so an abort or a close meanwhile settles it.
    const waiting = this.finishWaiters.wait(ref, signal);
    void this.watchFinish(ref);
    return waiting;
  }

  /** Calls onCancel for every cancel request of a running job in the queues, from any process, until the signal aborts. */
  async subscribeCancels(subscription: CancelSubscription, onCancel: (ref: JobRef) => void): Promise<void> {
    this.assertOpen('subscribeCancels');
    validateWaitRequest(subscription);
    if (typeof onCancel !== 'function') throw new ValidationError('onCancel', 'expected a function');
    await this.listener.listening();
    this.cancelListeners.add([...subscription.queues], subscription.signal, onCancel);
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

  private async store(operation: string, jobs: readonly NewJobRecord[], now: number): Promise<EnqueueResult[]> {
    const plan = planEnqueue(jobs);
    const rows = await this.db.write(operation, this.db.sql.enqueue, enqueueParams(jobs, plan.sent, now));
    const results: EnqueueResult[] = new Array(jobs.length);
    const woken = new Set<string>();
    for (const [position, index] of plan.sent.entries()) {
      const job = jobs[index] as NewJobRecord;
      const row = rows[position] as EnqueueRow;
      if (row.inserted) {
        results[index] = { id: job.id, existed: false };
        woken.add(job.queue);
      } else {
        results[index] = { id: row.existing_id ?? (await this.findExisting(job)), existed: true };
      }
    }
    answerRepeats(results, plan);
    for (const queue of woken) this.waiters.wake(queue);
    return results;
  }

  /** The job that won a concurrent insert of this id or key (committed after the enqueue statement began). */
  private async findExisting(job: NewJobRecord): Promise<string> {
    const [row] = await this.db.read(this.db.sql.findExisting, [job.queue, job.id, job.idempotencyKey ?? null]);
    return row?.id ?? job.id;
  }

  /** Wakes, trims and tells waiters after retry, fail or release changed a job. */
  private async afterOutcome(lease: Lease, status: string | null | undefined, now: number): Promise<void> {
    if (status === 'ready' || status === 'scheduled') this.waiters.wake(lease.queue);
    else if (status === 'dlq' || status === 'cancelled') await this.jobFinished(lease.queue, lease.jobId, status, now);
  }

  /** Applies the retention of the job's new finished status and tells this driver's waiters of it. */
  private async jobFinished(queue: string, id: string, status: 'done' | 'dlq' | 'cancelled', now: number): Promise<void> {
    void this.finishWaiters.recheck(queue, id);
    await trimFinished(this.db, this.retention, queue, status, now);
  }

  /**
   * Acks and applies the done retention in one statement, then tells this
   * driver's finish waiters; only when the statement's retention reached its
   * step bound does a trim per queue and status follow.
   */
  private async ackBatch(
    operation: string,
    leases: readonly Lease[],
    now: number,
    results: readonly (Uint8Array | undefined)[],
  ): Promise<BatchOutcome<void>[]> {
    const { outcomes, finished, retentionMore } = await this.leaseWrites.ack(operation, leases, now, results, this.doneRules);
    const trims = new Map<string, { queue: string; status: 'done' | 'cancelled' }>();
    for (const job of finished) {
      void this.finishWaiters.recheck(job.queue, job.id);
      trims.set(`${job.status} ${job.queue}`, { queue: job.queue, status: job.status });
    }
    if (retentionMore) {
      for (const { queue, status } of trims.values()) await trimFinished(this.db, this.retention, queue, status, now);
    }
    return outcomes;
  }

  /** Runs a bounded step (at most BULK_STEP_SIZE) until the limit or a step that finds nothing; returns the total. */
  private async inSteps(limit: number | undefined, step: (size: number) => Promise<number>): Promise<number> {
    const max = limit ?? Number.POSITIVE_INFINITY;
    let total = 0;
    while (total < max) {
      const done = await step(Math.min(BULK_STEP_SIZE, max - total));
      total += done;
      if (done === 0) break;
    }
    return total;
  }

  private async statusOf(ref: JobRef): Promise<string | undefined> {
    const [row] = await this.db.read(this.db.sql.jobState, [ref.queue, ref.id]);
    return row?.status ?? undefined;
  }

  /**
   * Listens, marks the job watched (so the statement that finishes it
   * notifies) and reads it once: that read settles a wait on a job that is
   * unknown or finished already, or finished while the mark was set. A
   * failure here leaves the wait to the safety re-check.
   */
  private async watchFinish(ref: JobRef): Promise<void> {
    try {
      await this.ready();
      await this.listener.listening();
      await this.db.read(this.db.sql.watch, [ref.queue, ref.id]);
    } catch {
      return;
    }
    await this.finishWaiters.recheck(ref.queue, ref.id);
  }

  /** What a finish waiter learns from one read: the finished record, JobNotFoundError, or undefined while it runs. */
  private async finishedRecord(ref: JobRef): Promise<JobRecord | Error | undefined> {
    const [row] = await this.db.read(this.db.sql.inspect, [ref.queue, ref.id]);
    if (row === undefined) return new JobNotFoundError(ref.queue, ref.id);
    return row.status === 'done' || row.status === 'dlq' || row.status === 'cancelled' ? toRecord(row) : undefined;
  }
}
