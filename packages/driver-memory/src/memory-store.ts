import { randomUUID } from 'node:crypto';
import {
  DriverClosedError,
  type EnqueueResult,
  JobNotFoundError,
  type JobRef,
  type Lease,
  type NewJobRecord,
  type ReserveRequest,
  type ReserveResult,
  type ReservedJob,
  type RetentionOptions,
  type ResolvedRetention,
  resolveRetention,
  type WorkerEntry,
} from '@taskharbor/core';
import { FinishWaiters } from './finish-waiters.js';
import { markCancelled, markDone, markWaiting, takeOutOfStatus } from './job-placement.js';
import { type HeapEntry, orderedBefore } from './indexed-heap.js';
import { checkLease, type FinalStatus, type LeaseRules } from './lease-checks.js';
import type { QueueFlow } from './flow-state.js';
import { QueueState } from './queue-state.js';
import { trimCancelledJobs, trimDoneJobs } from './retention.js';
import { createStoredJob, type StoredJob, toRecord } from './stored-job.js';
import { type RunOutcome, ThroughputCounts } from './throughput-counts.js';
import { WorkerRegistry } from './worker-registry.js';
import { WorkWaiters } from './work-waiters.js';

export interface MemoryDriverOptions {
  /**
   * How many done jobs each queue keeps, and for how long. Unset settings
   * take DEFAULT_RETENTION from core: the last 1,000 per queue, none older
   * than 24 hours. Infinity switches a rule off.
   */
  retention?: RetentionOptions;
}

/** A job on its way from scheduled or in flight to the ready tail (`item`), with the time that orders it there. */
export type DueJob = HeapEntry<StoredJob>;

/** A job that passed the lease checks, with the queue that holds it. */
export interface LeasedJob {
  state: QueueState;
  job: StoredJob;
}

/**
 * The state and inner workings MemoryDriver's operations share: every
 * queue's structures, the waiters, retention, and the steps each operation
 * is built from (storing, placing, leasing, the lease checks, finishing).
 * The protected seams are each one rule of the contract, small enough for
 * the testkit's self-test to break alone; none is a public extension point.
 */
export abstract class MemoryStore {
  /** Seam for testing the testkit; not a public extension point. Every queue that holds or held a job. */
  protected readonly queueStates = new Map<string, QueueState>();
  protected readonly waiters = new WorkWaiters();
  protected readonly finishWaiters = new FinishWaiters();
  protected readonly retention: ResolvedRetention;
  protected readonly workerRegistry = new WorkerRegistry();
  protected readonly throughput = new ThroughputCounts();
  private readonly leaseRules: LeaseRules;
  protected closed = false;

  constructor(options: MemoryDriverOptions) {
    this.retention = resolveRetention(options.retention);
    this.leaseRules = {
      tokenMatches: (job, token) => this.tokenMatches(job, token),
      leaseHasExpired: (job, now) => this.leaseHasExpired(job, now),
    };
  }

  // ---- Seams: each is one rule of the contract, small enough to break alone ----

  /** Seam for testing the testkit; not a public extension point. Whether the token is the job's current (or last) one. */
  protected tokenMatches(job: StoredJob, token: string): boolean {
    return job.token === token;
  }

  /** Seam for testing the testkit; not a public extension point. Whether an in-flight job's lease ran out at `now`. */
  protected leaseHasExpired(job: StoredJob, now: number): boolean {
    // Only asked of an in-flight job, which always has an expiry.
    return now >= (job.expiresAt as number);
  }

  /** Seam for testing the testkit; not a public extension point. Whether a job with this runAt may run at `now`. */
  protected isRunnable(runAt: number | undefined, now: number): boolean {
    return runAt === undefined || runAt <= now;
  }

  /** Seam for testing the testkit; not a public extension point. Takes due scheduled jobs out, in (runAt, id) order, marked ready. */
  protected promoteDue(state: QueueState, now: number): DueJob[] {
    const due: DueJob[] = [];
    for (let entry = state.scheduled.popIfAtMost(now); entry; entry = state.scheduled.popIfAtMost(now)) {
      entry.item.status = 'ready';
      due.push(entry);
    }
    return due;
  }

  /** Seam for testing the testkit; not a public extension point. Takes expired leases back, in (expiresAt, id) order. */
  protected reclaimExpired(state: QueueState, now: number): DueJob[] {
    const due: DueJob[] = [];
    for (let entry = state.inflight.popIfAtMost(now); entry; entry = state.inflight.popIfAtMost(now)) {
      const job = entry.item;
      state.flow?.leftFlight(job);
      if (job.cancelRequestedAt !== undefined) {
        this.finishCancelled(state, job, now);
        continue;
      }
      markWaiting(job, undefined, 'ready');
      job.reclaims++;
      due.push(entry);
    }
    return due;
  }

  /** Seam for testing the testkit; not a public extension point. Removes and returns the job at the head of the ready list. */
  protected takeNextReady(state: QueueState): StoredJob | undefined {
    return state.ready.popFront();
  }

  /** Seam for testing the testkit; not a public extension point. The id of the job that holds this key in this queue; no key (undefined) is never held. */
  protected lookupIdempotencyKey(queue: string, key: string | undefined): string | undefined {
    return this.queueStates.get(queue)?.idempotencyKeys.get(key as string);
  }

  /** Seam for testing the testkit; not a public extension point. Puts a released job back at the head of the ready list. */
  protected placeReleased(state: QueueState, job: StoredJob): void {
    state.ready.pushFront(job);
  }

  /** Seam for testing the testkit; not a public extension point. Removes done jobs past the retention limits. */
  protected applyRetention(state: QueueState, now: number): void {
    trimDoneJobs(state, this.retention, now);
  }

  /** Seam for testing the testkit; not a public extension point. Adds the run an outcome ended to its queue's minute of `now`. */
  protected countRun(queue: string, outcome: RunOutcome, now: number): void {
    this.throughput.add(queue, outcome, now);
  }

  /** Seam for testing the testkit; not a public extension point. Whether a worker entry is live at `now`. */
  protected workerIsLive(entry: WorkerEntry, now: number): boolean {
    return entry.expiresAt > now;
  }

  // ---- Internals ----

  protected assertOpen(operation: string): void {
    if (this.closed) throw new DriverClosedError(operation);
  }

  /** Stores a validated record unless its id or key is known; wakes the queue's waiters. */
  protected store(record: NewJobRecord, now: number): EnqueueResult {
    let state = this.queueStates.get(record.queue);
    if (state?.jobs.has(record.id)) return { id: record.id, existed: true };
    const firstId = this.lookupIdempotencyKey(record.queue, record.idempotencyKey);
    if (firstId !== undefined) return { id: firstId, existed: true };
    if (state === undefined) {
      state = new QueueState(record.queue);
      this.queueStates.set(record.queue, state);
    }
    if (state.flow === undefined && (record.group !== undefined || (record.priority ?? 0) !== 0)) state.enableFlow();
    const job = createStoredJob(record, this.statusAt(record.runAt, now));
    state.jobs.set(job.id, job);
    if (job.idempotencyKey !== undefined) state.idempotencyKeys.set(job.idempotencyKey, job.id);
    this.place(state, job);
    return { id: job.id, existed: false };
  }

  /** Where a job with this runAt goes at `now`: ready when runnable, else scheduled. */
  protected statusAt(runAt: number | undefined, now: number): 'ready' | 'scheduled' {
    return this.isRunnable(runAt, now) ? 'ready' : 'scheduled';
  }

  /**
   * Puts a ready job at the ready tail, a scheduled one in the scheduled
   * heap by runAt. Either way waiters wake: a new scheduled job may be due
   * before the time an idle worker is waiting for.
   */
  protected place(state: QueueState, job: StoredJob): void {
    if (job.status === 'ready') state.pushReady(job);
    else state.scheduled.set(job.id, job, job.runAt as number);
    this.waiters.wake(state.name);
  }

  /** Appends promoted and reclaimed jobs to the ready tail, by (time, id) across both. */
  protected moveDueToReady(state: QueueState, now: number): void {
    const due = [...this.promoteDue(state, now), ...this.reclaimExpired(state, now)];
    due.sort((a, b) => (orderedBefore(a, b) ? -1 : 1));
    for (const entry of due) state.pushReady(entry.item);
  }

  /** reserve on a queue with flow state: by turn and priority, within the limits, holds and pauses. */
  protected reserveUnderFlow(state: QueueState, flow: QueueFlow, request: ReserveRequest): ReserveResult {
    const { limit, leaseMs, now } = request;
    this.moveDueToReady(state, now);
    flow.wakeTimed(now);
    const jobs: ReservedJob[] = [];
    while (jobs.length < limit && !flow.queueBlocked(now, state.inflight.size)) {
      const job = flow.take(now);
      if (job === undefined) break;
      jobs.push(this.grantLease(state, job, leaseMs, now));
      flow.started(job, now);
    }
    const nextDueAt = state.nextDueAt(now);
    return nextDueAt === undefined ? { jobs } : { jobs, nextDueAt };
  }

  /** Takes a job out of flight and wakes waiters when that freed a limited slot that work waits for. */
  protected leaveFlight(state: QueueState, job: StoredJob): void {
    if (state.leaveFlight(job)) this.waiters.wake(state.name);
  }

  /** A released or held-back job: ready again at the head of its priority, waiters woken. */
  protected putBackFirst(state: QueueState, job: StoredJob): void {
    markWaiting(job, undefined, 'ready');
    if (state.flow === undefined) this.placeReleased(state, job);
    else state.pushReadyFront(job);
    this.waiters.wake(state.name);
  }

  protected grantLease(state: QueueState, job: StoredJob, leaseMs: number, now: number): ReservedJob {
    const token = randomUUID();
    const expiresAt = now + leaseMs;
    job.status = 'inflight';
    job.token = token;
    job.expiresAt = expiresAt;
    state.inflight.set(job.id, job, expiresAt);
    return { job: toRecord(job), lease: { jobId: job.id, queue: state.name, token, expiresAt } };
  }

  /** Runs the contract's check order; undefined means a repeated ack or fail that succeeds without a change. */
  protected checkLeased(lease: Lease, now: number, writes?: FinalStatus): LeasedJob | undefined {
    const state = this.queueStates.get(lease.queue);
    const job = checkLease(state?.jobs.get(lease.jobId), lease, now, this.leaseRules, writes);
    // checkLease threw unless the queue holds the job, so the state is there whenever the job is.
    return job === undefined ? undefined : { state: state as QueueState, job };
  }

  /** The checks for extendLease, retry and release, which never repeat: they throw or find the job in flight. */
  protected checkInFlight(lease: Lease, now: number): LeasedJob {
    return this.checkLeased(lease, now) as LeasedJob;
  }

  protected ackOne(lease: Lease, now: number, result: Uint8Array | undefined): void {
    const leased = this.checkLeased(lease, now, 'done');
    if (leased === undefined) return;
    const { state, job } = leased;
    this.leaveFlight(state, job);
    if (job.cancelRequestedAt !== undefined) {
      this.finishCancelled(state, job, now);
      return;
    }
    markDone(state, job, result, now);
    this.countRun(state.name, 'completed', now);
    this.finishWaiters.finished(state.name, job.id, () => toRecord(job));
    this.applyRetention(state, now);
  }

  /** Ends a job with a cancel request (its run's outcome or its expired lease) as cancelled. */
  protected finishCancelled(state: QueueState, job: StoredJob, now: number): void {
    markCancelled(state, job, now);
    this.finishWaiters.finished(state.name, job.id, () => toRecord(job));
    trimCancelledJobs(state, this.retention, now);
  }

  /** Deletes a job that waits (ready or scheduled) with its idempotency mapping; others stay. */
  protected deleteIfWaiting(queue: string, id: string): void {
    const state = this.queueStates.get(queue);
    const job = state?.jobs.get(id);
    if (state === undefined || job === undefined || (job.status !== 'ready' && job.status !== 'scheduled')) return;
    this.deleteJob(state, job);
  }

  /** Takes a job out of its status structure and out of the queue, ending any wait for it. */
  protected deleteJob(state: QueueState, job: StoredJob): void {
    takeOutOfStatus(state, job);
    state.forget(job);
    this.finishWaiters.removed(state.name, job.id);
  }

  /** The queue's state, made when a job-control call names a queue that holds nothing yet. */
  protected stateFor(queue: string): QueueState {
    let state = this.queueStates.get(queue);
    if (state === undefined) {
      state = new QueueState(queue);
      this.queueStates.set(queue, state);
    }
    return state;
  }

  /** The stored job a ref names, with its queue, or JobNotFoundError. */
  protected findJob(ref: JobRef): LeasedJob {
    const state = this.queueStates.get(ref.queue);
    const job = state?.jobs.get(ref.id);
    if (job === undefined) throw new JobNotFoundError(ref.queue, ref.id);
    return { state: state as QueueState, job };
  }

  protected extendOne(lease: Lease, leaseMs: number, now: number): Lease {
    const { state, job } = this.checkInFlight(lease, now);
    const expiresAt = now + leaseMs;
    job.expiresAt = expiresAt;
    state.inflight.set(job.id, job, expiresAt);
    const extended: Lease = { jobId: job.id, queue: state.name, token: job.token as string, expiresAt };
    if (job.cancelRequestedAt !== undefined) extended.cancelRequested = true;
    return extended;
  }
}
