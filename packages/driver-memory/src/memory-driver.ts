
import {
  type AdvanceScheduleRequest,
  type AdvanceScheduleResult,
  type PutScheduleRequest,
  type PutScheduleResult,
  type ScheduleListPage,
  type ScheduleListRequest,
  type ScheduleRecord,
  type Schedules,
  type TriggerScheduleOptions,
  validateAdvanceScheduleRequest,
  validatePutScheduleRequest,
  validateScheduleListRequest,
  validateScheduleRef,
  validateTriggerOptions,
  CancelListeners,
  type AckOptions,
  type Admin,
  type CancelOptions,
  type CancelResult,
  type CancelSubscription,
  type DriverFamily,
  type FlowControl,
  type FlowLimits,
  type GroupFlowState,
  type QueueFlowState,
  validateGroupName,
  type JobControl,
  type PromoteOptions,
  type PurgeOptions,
  type QueueCounts,
  type RequeueManyOptions,
  validateCancelOptions,
  validateProgressJson,
  validatePurgeOptions,
  validateQueueName,
  validateRequeueManyOptions,
  validateResult,
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
  type ReservedJob,
  type RetryUpdate,
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
  validateLimitsRequest,
  validateSnoozeRequest,
  validateHoldBackRequest,
  type MetricsPoint,
  type MetricsRange,
  type Observability,
  type RegisterWorkerOptions,
  type WorkerEntry,
  type WorkerInfo,
  type WorkersRequest,
  validateMetricsRequest,
  validateRegisterWorker,
  validateWorkerId,
  validateWorkersRequest,
} from '@taskharbor/core';
import { recordFailure } from './error-history.js';
import { cancelJob, dlqJobsToRequeue, promoteJob, purgeJobs, removeJob, resetForRequeue } from './job-control-ops.js';
import { markDead, markWaiting, } from './job-placement.js';
import { toOutcome } from './batch-outcome.js';
import { listPage } from './list-page.js';
import { decodeListCursor } from './list-cursor.js';
import { emptyCounts, type QueueState } from './queue-state.js';
import { trimCancelledJobs, trimDeadJobs, } from './retention.js';
import { ScheduleBook } from './schedule-book.js';
import { toRecord } from './stored-job.js';
import { type DueJob, MemoryStore, type MemoryDriverOptions } from './memory-store.js';

export type { DueJob, MemoryDriverOptions };

/**
 * The in-process driver: every queue lives in this process's memory. It is
 * the embedded default for tests, demos and single-process apps, and keeps
 * the same contract as every other driver.
 *
 * Every method validates all of its input and then changes state without
 * awaiting anything, so concurrent callers in one process never see a
 * half-done change.
 *
 * @example
 * const driver = new MemoryDriver({ retention: { maxDoneCount: 100 } });
 * const client = new Client(driver);
 */
export class MemoryDriver extends MemoryStore implements Driver, Admin, JobControl, Schedules, FlowControl, Observability {
  /** The families of operations beyond Driver and Admin that this driver implements. */
  readonly families: readonly DriverFamily[] = ['jobControl', 'schedules', 'flowControl', 'observability'];
  private readonly cancelListeners = new CancelListeners();
  private readonly scheduleBook: ScheduleBook;

  constructor(options: MemoryDriverOptions = {}) {
    super(options);
    this.scheduleBook = new ScheduleBook({
      find: (queue, id) => this.queueStates.get(queue)?.jobs.get(id),
      enqueue: (job, now) => this.store(job, now),
      deleteIfWaiting: (queue, id) => this.deleteIfWaiting(queue, id),
      held: (lease, now) => this.checkInFlight(lease, now).job,
      deleteHeld: (job) => this.deleteJob(this.queueStates.get(job.queue) as QueueState, job),
      advanceApplies: (record, version, from) => this.scheduleAdvanceApplies(record, version, from),
    });
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

  /** Moves the lease's expiry to now + leaseMs; the token stays. */
  async extendLease(lease: Lease, leaseMs: number, now: number): Promise<Lease> {
    this.assertOpen('extendLease');
    validateLease(lease);
    validateLeaseMs(leaseMs);
    validateNow(now);
    return this.extendOne(lease, leaseMs, now);
  }

  /** Marks the job done and applies retention to its queue. A repeat with the same token succeeds. */
  async ack(lease: Lease, now: number, options?: AckOptions): Promise<void> {
    this.assertOpen('ack');
    validateLease(lease);
    validateNow(now);
    validateResult(options?.result);
    this.ackOne(lease, now, options?.result);
  }

  /** Records the failure and puts the job back: ready tail when runnable now, else scheduled. */
  async retry(lease: Lease, update: RetryUpdate, now: number): Promise<void> {
    this.assertOpen('retry');
    validateLease(lease);
    validateRetryUpdate(update);
    validateNow(now);
    const { state, job } = this.checkInFlight(lease, now);
    this.leaveFlight(state, job);
    recordFailure(job, update);
    this.countRun(state.name, 'failed', now);
    if (job.cancelRequestedAt !== undefined) return this.finishCancelled(state, job, now);
    markWaiting(job, update.runAt, this.statusAt(update.runAt, now));
    this.place(state, job);
  }

  /** Records the failure and dead-letters the job. A repeat with the same token succeeds. */
  async fail(lease: Lease, update: FailUpdate, now: number): Promise<void> {
    this.assertOpen('fail');
    validateLease(lease);
    validateFailUpdate(update);
    validateNow(now);
    const leased = this.checkLeased(lease, now, 'dlq');
    if (leased === undefined) return;
    const { state, job } = leased;
    this.leaveFlight(state, job);
    recordFailure(job, update);
    // A cancel request turns the failure into a cancel: a failed run, but no dead letter.
    this.countRun(state.name, job.cancelRequestedAt === undefined ? 'dead' : 'failed', now);
    if (job.cancelRequestedAt !== undefined) return this.finishCancelled(state, job, now);
    markDead(state, job, update.reason, now);
    this.finishWaiters.finished(state.name, job.id, () => toRecord(job));
    trimDeadJobs(state, this.retention, now);
  }

  /** Gives the job back without counting a failure: it goes to the head of the ready list. */
  async release(lease: Lease, now: number): Promise<void> {
    this.assertOpen('release');
    validateLease(lease);
    validateNow(now);
    const { state, job } = this.checkInFlight(lease, now);
    this.leaveFlight(state, job);
    if (job.cancelRequestedAt !== undefined) return this.finishCancelled(state, job, now);
    this.putBackFirst(state, job);
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
    this.scheduleBook.clear();
    this.workerRegistry.clear();
    this.throughput.clear();
  }

  /** ack for many leases: one outcome per lease, each what ack alone would have done or thrown. */
  async ackMany(
    leases: readonly Lease[],
    now: number,
    results?: readonly (Uint8Array | undefined)[],
  ): Promise<BatchOutcome<void>[]> {
    this.assertOpen('ackMany');
    validateArray('leases', leases);
    validateNow(now);
    if (results !== undefined) validateArray('results', results);
    return leases.map((lease, index) =>
      toOutcome(() => {
        validateLease(lease);
        const result = results?.[index];
        validateResult(result);
        this.ackOne(lease, now, result);
      }),
    );
  }

  /** extendLease for many leases: one outcome per lease, each what extendLease alone would have returned or thrown. */
  async extendLeases(leases: readonly Lease[], leaseMs: number, now: number): Promise<BatchOutcome<Lease>[]> {
    this.assertOpen('extendLeases');
    validateArray('leases', leases);
    validateLeaseMs(leaseMs);
    validateNow(now);
    return leases.map((lease) =>
      toOutcome(() => {
        validateLease(lease);
        return this.extendOne(lease, leaseMs, now);
      }),
    );
  }

  // ---- Admin ----

  /** A copy of the stored job, or undefined when the queue holds no such job. */
  async inspect(ref: JobRef): Promise<JobRecord | undefined> {
    this.assertOpen('inspect');
    validateJobRef(ref);
    const job = this.queueStates.get(ref.queue)?.jobs.get(ref.id);
    return job === undefined ? undefined : toRecord(job);
  }

  /** One page of a queue's jobs in ascending id order (see list-page.ts). */
  async list(request: ListRequest): Promise<ListPage> {
    this.assertOpen('list');
    validateListRequest(request);
    const after = request.cursor === undefined ? undefined : decodeListCursor(request.cursor);
    return listPage(this.queueStates.get(request.queue), request, after);
  }

  /** Moves a dead-lettered job back to the ready tail, or to scheduled when `runAt` is after `now`. */
  async requeueDlq(ref: JobRef, options: RequeueOptions): Promise<void> {
    this.assertOpen('requeueDlq');
    validateJobRef(ref);
    validateRequeueOptions(options);
    const found = this.queueStates.get(ref.queue);
    const job = found?.jobs.get(ref.id);
    if (job === undefined) throw new JobNotFoundError(ref.queue, ref.id);
    // Without the queue there is no job either, so the state is there whenever the job is.
    const state = found as QueueState;
    if (job.status !== 'dlq') {
      throw new ValidationError('status', `job ${job.id} is ${job.status}; only a dead-lettered job can be requeued`);
    }
    state.dlq.delete(job.id);
    resetForRequeue(job, options.resetAttempts === true);
    job.runAt = options.runAt;
    job.status = this.statusAt(job.runAt, options.now);
    this.place(state, job);
  }

  /** The number of jobs in each status; all zero for a queue that never held a job. */
  async counts(queue: string): Promise<QueueCounts> {
    this.assertOpen('counts');
    validateName('queue', queue);
    return this.queueStates.get(queue)?.counts() ?? emptyCounts();
  }

  /** Every queue that holds or held a job, sorted by name. */
  async queues(): Promise<string[]> {
    this.assertOpen('queues');
    return [...this.queueStates.keys()].sort();
  }

  // ---- JobControl ----

  /** Cancels a waiting job at once; a running one gets a cancel request that its run's outcome turns into cancelled. */
  async cancel(ref: JobRef, options: CancelOptions): Promise<CancelResult> {
    this.assertOpen('cancel');
    validateJobRef(ref);
    validateCancelOptions(options);
    const { state, job } = this.findJob(ref);
    const result = cancelJob(state, job, options.reason, options.now);
    if (result.status === 'cancelled') {
      this.finishWaiters.finished(state.name, job.id, () => toRecord(job));
      trimCancelledJobs(state, this.retention, options.now);
    } else {
      this.cancelListeners.requested(ref);
    }
    return result;
  }

  /** Deletes a job that is not in flight, with its idempotency mapping. */
  async remove(ref: JobRef): Promise<void> {
    this.assertOpen('remove');
    validateJobRef(ref);
    const { state, job } = this.findJob(ref);
    removeJob(state, job);
    this.finishWaiters.removed(state.name, job.id);
  }

  /** Makes a scheduled job ready now, at the ready tail. */
  async promote(ref: JobRef, options: PromoteOptions): Promise<void> {
    this.assertOpen('promote');
    validateJobRef(ref);
    validateNow(options?.now);
    const { state, job } = this.findJob(ref);
    promoteJob(state, job);
    this.place(state, job);
  }

  /** Stops the queue handing out jobs until resume. */
  async pause(queue: string): Promise<void> {
    this.assertOpen('pause');
    validateQueueName(queue);
    this.stateFor(queue).paused = true;
  }

  /** Lets the queue hand out jobs again and wakes its waiting workers. */
  async resume(queue: string): Promise<void> {
    this.assertOpen('resume');
    validateQueueName(queue);
    const state = this.queueStates.get(queue);
    if (state === undefined || !state.paused) return;
    state.paused = false;
    this.waiters.wake(queue);
  }

  /** Removes matching jobs up to the limit; returns how many. */
  async purge(queue: string, options: PurgeOptions): Promise<number> {
    this.assertOpen('purge');
    validateQueueName(queue);
    validatePurgeOptions(options);
    const state = this.queueStates.get(queue);
    if (state === undefined) return 0;
    const removed = purgeJobs(state, options, options.limit ?? Number.POSITIVE_INFINITY);
    for (const job of removed) this.finishWaiters.removed(queue, job.id);
    return removed.length;
  }

  /** Moves matching dead-lettered jobs to the ready tail, oldest failure first, up to the limit; returns how many. */
  async requeueDlqMany(queue: string, options: RequeueManyOptions): Promise<number> {
    this.assertOpen('requeueDlqMany');
    validateQueueName(queue);
    validateRequeueManyOptions(options);
    const state = this.queueStates.get(queue);
    if (state === undefined) return 0;
    const picked = dlqJobsToRequeue(state, options, options.limit ?? Number.POSITIVE_INFINITY);
    for (const job of picked) {
      state.dlq.delete(job.id);
      resetForRequeue(job, options.resetAttempts === true);
      job.runAt = undefined;
      job.status = 'ready';
      this.place(state, job);
    }
    return picked.length;
  }

  /** Stores a progress report on a job whose lease is still valid. */
  async setProgress(lease: Lease, progressJson: string, now: number): Promise<void> {
    this.assertOpen('setProgress');
    validateLease(lease);
    validateProgressJson(progressJson);
    validateNow(now);
    this.checkInFlight(lease, now).job.progressJson = progressJson;
  }

  /** Resolves once the job is done, dead-lettered or cancelled. */
  async waitForFinish(ref: JobRef, signal: AbortSignal): Promise<JobRecord> {
    this.assertOpen('waitForFinish');
    validateJobRef(ref);
    validateWaitRequest({ queues: [ref.queue], signal });
    signal.throwIfAborted();
    const { job } = this.findJob(ref);
    if (job.status === 'done' || job.status === 'dlq' || job.status === 'cancelled') return toRecord(job);
    return this.finishWaiters.wait(ref.queue, ref.id, signal);
  }

  /** Hears every cancel request of a job in flight in the queues until the signal aborts. */
  async subscribeCancels(subscription: CancelSubscription, onCancel: (ref: JobRef) => void): Promise<void> {
    this.assertOpen('subscribeCancels');
    validateWaitRequest(subscription);
    if (typeof onCancel !== 'function') throw new ValidationError('onCancel', 'expected a function');
    this.cancelListeners.add([...subscription.queues], subscription.signal, onCancel);
  }

  // ---- Schedules ----

  /** Creates or replaces a schedule and swaps its pending occurrence; the same revision changes nothing. */
  async putSchedule(request: PutScheduleRequest): Promise<PutScheduleResult> {
    this.assertOpen('putSchedule');
    validatePutScheduleRequest(request);
    return this.scheduleBook.put(request);
  }

  /** Deletes a schedule and its waiting occurrence; false when there is none. */
  async removeSchedule(name: string): Promise<boolean> {
    this.assertOpen('removeSchedule');
    validateScheduleRef(name);
    return this.scheduleBook.remove(name);
  }

  /** A copy of the stored schedule, or undefined. */
  async getSchedule(name: string): Promise<ScheduleRecord | undefined> {
    this.assertOpen('getSchedule');
    validateScheduleRef(name);
    return this.scheduleBook.get(name);
  }

  /** The compare-and-set that moves a schedule on from its pending tick. */
  async advanceSchedule(request: AdvanceScheduleRequest): Promise<AdvanceScheduleResult> {
    this.assertOpen('advanceSchedule');
    validateAdvanceScheduleRequest(request);
    return this.scheduleBook.advance(request);
  }

  /** One page of schedules in name order. */
  async schedules(request?: ScheduleListRequest): Promise<ScheduleListPage> {
    this.assertOpen('schedules');
    validateScheduleListRequest(request);
    return this.scheduleBook.list(request);
  }

  /** Enqueues one occurrence of the schedule now, leaving its cadence alone. */
  async triggerSchedule(name: string, options: TriggerScheduleOptions): Promise<EnqueueResult> {
    this.assertOpen('triggerSchedule');
    validateScheduleRef(name);
    validateTriggerOptions(options);
    return this.scheduleBook.trigger(name, options.now);
  }

  /** Drops the ticks that come due from now on, until resumeSchedule. */
  async pauseSchedule(name: string): Promise<void> {
    this.assertOpen('pauseSchedule');
    validateScheduleRef(name);
    this.scheduleBook.setPaused(name, true);
  }

  /** Lets the schedule's ticks run again. */
  async resumeSchedule(name: string): Promise<void> {
    this.assertOpen('resumeSchedule');
    validateScheduleRef(name);
    this.scheduleBook.setPaused(name, false);
  }

  // ---- FlowControl ----

  /** Replaces the queue's limits (`{}` clears them). */
  async setQueueLimits(queue: string, limits: FlowLimits): Promise<void> {
    this.assertOpen('setQueueLimits');
    validateLimitsRequest(queue, limits);
    this.stateFor(queue).enableFlow().setQueueLimits(limits);
    this.waiters.wake(queue);
  }

  /** Replaces the group defaults, or one group's override; `{}` clears it. */
  async setGroupLimits(queue: string, limits: FlowLimits, group?: string): Promise<void> {
    this.assertOpen('setGroupLimits');
    validateLimitsRequest(queue, limits, group);
    this.stateFor(queue).enableFlow().setGroupLimits(limits, group);
    this.waiters.wake(queue);
  }

  /** Stops the group's jobs being handed out until resumeGroup. */
  async pauseGroup(queue: string, group: string): Promise<void> {
    this.assertOpen('pauseGroup');
    validateQueueName(queue);
    validateGroupName(group);
    this.stateFor(queue).enableFlow().pauseGroup(group);
  }

  /** Lets the group's jobs be handed out again and wakes waiting workers. */
  async resumeGroup(queue: string, group: string): Promise<void> {
    this.assertOpen('resumeGroup');
    validateQueueName(queue);
    validateGroupName(group);
    if (this.queueStates.get(queue)?.flow?.resumeGroup(group)) this.waiters.wake(queue);
  }

  /** The queue's limits, group defaults and hold. */
  async flowState(queue: string): Promise<QueueFlowState> {
    this.assertOpen('flowState');
    validateQueueName(queue);
    return this.queueStates.get(queue)?.flow?.flowState() ?? { limits: {}, groupDefaults: {} };
  }

  /** One group's overrides, effective limits, pause flag, jobs in flight and hold. */
  async groupState(queue: string, group: string): Promise<GroupFlowState> {
    this.assertOpen('groupState');
    validateQueueName(queue);
    validateGroupName(group);
    const flow = this.queueStates.get(queue)?.flow;
    return flow?.groupState(group) ?? { group, overrides: {}, effective: {}, paused: false, inflight: 0 };
  }

  /** Ends a run without counting a failure: the job waits until runAt (ready at its priority's tail when due). */
  async snooze(lease: Lease, runAt: number, now: number): Promise<void> {
    this.assertOpen('snooze');
    validateSnoozeRequest(lease, runAt, now);
    const { state, job } = this.checkInFlight(lease, now);
    this.leaveFlight(state, job);
    if (job.cancelRequestedAt !== undefined) return this.finishCancelled(state, job, now);
    job.snoozes = (job.snoozes ?? 0) + 1;
    markWaiting(job, runAt, this.statusAt(runAt, now));
    this.place(state, job);
  }

  /** Puts the job back at the head of its priority and holds its group (or its queue) until `until`. */
  async holdBack(lease: Lease, until: number, now: number): Promise<void> {
    this.assertOpen('holdBack');
    validateHoldBackRequest(lease, until, now);
    const { state, job } = this.checkInFlight(lease, now);
    this.leaveFlight(state, job);
    if (job.cancelRequestedAt !== undefined) return this.finishCancelled(state, job, now);
    state.enableFlow().hold(job, until);
    this.putBackFirst(state, job);
  }

  // ---- Observability ----

  /** Adds or replaces the worker's entry, live until now + ttlMs; looks at a few of the oldest entries to prune expired ones. */
  async registerWorker(info: WorkerInfo, options: RegisterWorkerOptions): Promise<void> {
    this.assertOpen('registerWorker');
    validateRegisterWorker(info, options);
    this.workerRegistry.register(info, options.now, options.ttlMs, (entry, now) => this.workerIsLive(entry, now));
  }

  /** Deletes the worker's entry; false when there was none. */
  async removeWorker(id: string): Promise<boolean> {
    this.assertOpen('removeWorker');
    validateWorkerId(id);
    return this.workerRegistry.remove(id);
  }

  /** The entries live at `now` (default: this process's clock), most recently started first. */
  async workers(request?: WorkersRequest): Promise<WorkerEntry[]> {
    this.assertOpen('workers');
    validateWorkersRequest(request);
    return this.workerRegistry.live(request?.now ?? Date.now(), (entry, now) => this.workerIsLive(entry, now));
  }

  /** The queue's counts per minute of the range, zeros included. */
  async metrics(queue: string, range: MetricsRange): Promise<MetricsPoint[]> {
    this.assertOpen('metrics');
    validateMetricsRequest(queue, range);
    return this.throughput.series(queue, range);
  }

  // ---- Seams ----

  /** Seam for testing the testkit; not a public extension point. Whether an advance planned from `version` at tick `from` applies. */
  protected scheduleAdvanceApplies(record: ScheduleRecord, version: number, from: number): boolean {
    return record.version === version && record.nextRunAt === from;
  }
}
