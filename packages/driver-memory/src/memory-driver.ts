import {
  type AckOptions,
  type Admin,
  type AdvanceScheduleRequest,
  type AdvanceScheduleResult,
  type BatchOutcome,
  CancelListeners,
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
  type QueueCounts,
  type QueueFlowState,
  type RegisterWorkerOptions,
  type RequeueManyOptions,
  type RequeueOptions,
  type ReserveRequest,
  type ReserveResult,
  type ReservedJob,
  type RetryUpdate,
  type ScheduleListPage,
  type ScheduleListRequest,
  type ScheduleRecord,
  type Schedules,
  type TriggerScheduleOptions,
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
import { MemoryAdmin } from './admin-reads.js';
import type { DriverContext } from './driver-context.js';
import { MemoryFlowControl } from './flow-control.js';
import { MemoryJobControl } from './job-control.js';
import { MemoryLeaseWrites } from './lease-writes.js';
import { type DueJob, type MemoryDriverOptions, MemoryStore } from './memory-store.js';
import { MemoryObservability } from './observability.js';
import type { QueueState } from './queue-state.js';
import { ScheduleBook } from './schedule-book.js';
import { MemorySchedules } from './schedules.js';

export type { DueJob, MemoryDriverOptions };

/**
 * The in-process driver: every queue lives in this process's memory. It is
 * the embedded default for tests, demos and single-process apps, and keeps
 * the same contract as every other driver.
 *
 * Every method validates all of its input and then changes state without
 * awaiting anything, so concurrent callers in one process never see a
 * half-done change. enqueue, reserve, waitForWork and close are here,
 * built from the shared steps of MemoryStore; every other operation is in
 * the module its section below names, which reaches those steps through
 * a DriverContext.
 *
 * @example
 * const driver = new MemoryDriver({ retention: { maxDoneCount: 100 } });
 * const client = new Client(driver);
 */
export class MemoryDriver extends MemoryStore implements Driver, Admin, JobControl, Schedules, FlowControl, Observability {
  /** The families of operations beyond Driver and Admin that this driver implements. */
  readonly families: readonly DriverFamily[] = ['jobControl', 'schedules', 'flowControl', 'observability'];
  private readonly cancelListeners = new CancelListeners();
  private readonly leases: MemoryLeaseWrites;
  private readonly admin: MemoryAdmin;
  private readonly control: MemoryJobControl;
  private readonly scheduling: MemorySchedules;
  private readonly flow: MemoryFlowControl;
  private readonly observability: MemoryObservability;

  constructor(options: MemoryDriverOptions = {}) {
    super(options);
    const ctx: DriverContext = {
      queueStates: this.queueStates,
      waiters: this.waiters,
      finishWaiters: this.finishWaiters,
      retention: this.retention,
      workerRegistry: this.workerRegistry,
      throughput: this.throughput,
      assertOpen: (operation) => this.assertOpen(operation),
      stateFor: (queue) => this.stateFor(queue),
      findJob: (ref) => this.findJob(ref),
      checkLeased: (lease, now, writes) => this.checkLeased(lease, now, writes),
      checkInFlight: (lease, now) => this.checkInFlight(lease, now),
      extendOne: (lease, leaseMs, now) => this.extendOne(lease, leaseMs, now),
      ackOne: (lease, now, result) => this.ackOne(lease, now, result),
      countRun: (queue, outcome, now) => this.countRun(queue, outcome, now),
      statusAt: (runAt, now) => this.statusAt(runAt, now),
      place: (state, job) => this.place(state, job),
      leaveFlight: (state, job) => this.leaveFlight(state, job),
      putBackFirst: (state, job) => this.putBackFirst(state, job),
      finishCancelled: (state, job, now) => this.finishCancelled(state, job, now),
      workerIsLive: (entry, now) => this.workerIsLive(entry, now),
    };
    const book = new ScheduleBook({
      find: (queue, id) => this.queueStates.get(queue)?.jobs.get(id),
      enqueue: (job, now) => this.store(job, now),
      deleteIfWaiting: (queue, id) => this.deleteIfWaiting(queue, id),
      held: (lease, now) => this.checkInFlight(lease, now).job,
      deleteHeld: (job) => this.deleteJob(this.queueStates.get(job.queue) as QueueState, job),
      advanceApplies: (record, version, from) => this.scheduleAdvanceApplies(record, version, from),
    });
    this.leases = new MemoryLeaseWrites(ctx);
    this.admin = new MemoryAdmin(ctx);
    this.control = new MemoryJobControl(ctx, this.cancelListeners);
    this.scheduling = new MemorySchedules(ctx, book);
    this.flow = new MemoryFlowControl(ctx);
    this.observability = new MemoryObservability(ctx);
  }

  // ---- Driver ----

  /** Stores one job, or answers `existed: true` for a known id or idempotency key in its queue. */
  async enqueue(job: NewJobRecord, now: number): Promise<EnqueueResult> {
    this.assertOpen('enqueue');
    validateNow(now);
    validateNewJobRecord(job);
    return this.store(job, now);
  }

  /** Validates every record, then stores them in order; a later duplicate of an earlier one answers `existed: true`. */
  async enqueueMany(jobs: readonly NewJobRecord[], now: number): Promise<EnqueueResult[]> {
    this.assertOpen('enqueueMany');
    validateNow(now);
    validateArray('jobs', jobs);
    for (const job of jobs) validateNewJobRecord(job);
    return jobs.map((job) => this.store(job, now));
  }

  /** Promotes due jobs, reclaims expired leases, then leases up to `limit` jobs from the head of the ready list. */
  async reserve(request: ReserveRequest): Promise<ReserveResult> {
    this.assertOpen('reserve');
    validateReserveRequest(request);
    const { queue, limit, leaseMs, now } = request;
    const state = this.queueStates.get(queue);
    if (state === undefined || state.paused) return { jobs: [] };
    if (state.flow !== undefined) return this.reserveUnderFlow(state, state.flow, request);
    this.moveDueToReady(state, now);
    const jobs: ReservedJob[] = [];
    while (jobs.length < limit) {
      const job = this.takeNextReady(state);
      if (job === undefined) break;
      jobs.push(this.grantLease(state, job, leaseMs, now));
    }
    const nextDueAt = state.nextDueAt(now);
    return nextDueAt === undefined ? { jobs } : { jobs, nextDueAt };
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

  /** Resolves when one of the queues may have runnable work, when the signal aborts, or when the driver closes. */
  async waitForWork(request: WaitForWorkRequest): Promise<void> {
    this.assertOpen('waitForWork');
    validateWaitRequest(request);
    // A copy, so the caller's array may change while the wait is pending.
    return this.waiters.wait([...request.queues], request.signal);
  }

  /** Drops every queue and resolves pending waits. Idempotent; every later call fails with DriverClosedError. */
  async close(): Promise<void> {
    // A second close finds nothing to drop and no wait to settle.
    this.closed = true;
    this.queueStates.clear();
    this.waiters.wakeAll();
    this.finishWaiters.rejectAll(() => new DriverClosedError('waitForFinish'));
    this.cancelListeners.clear();
    this.scheduling.clear();
    this.workerRegistry.clear();
    this.throughput.clear();
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

  // ---- JobControl (src/job-control.ts) ----

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

  // ---- Schedules (src/schedules.ts, rules in src/schedule-book.ts) ----

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

  // ---- FlowControl (src/flow-control.ts, state in src/flow-state.ts) ----

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

  // ---- Observability (src/observability.ts) ----

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

  // ---- Seams ----

  /** Seam for testing the testkit; not a public extension point. Whether an advance planned from `version` at tick `from` applies. */
  protected scheduleAdvanceApplies(record: ScheduleRecord, version: number, from: number): boolean {
    return record.version === version && record.nextRunAt === from;
  }
}
