/**
 * A small reference model of one queue, written from docs/driver-contract.md
 * alone (it deliberately imports no driver). The model-based property test
 * runs the same commands against it and against a real driver and compares
 * the two after every step.
 *
 * Leases are "handles": the model numbers every lease it hands out, and the
 * test keeps the real driver's Lease under the same number, so a token can be
 * compared as "the token of handle n".
 */

export type ModelStatus = 'ready' | 'scheduled' | 'inflight' | 'done' | 'dlq';

export interface ModelJob {
  id: string;
  status: ModelStatus;
  attempts: number;
  /** Runs allowed: the enqueued 5, raised by a requeue without reset that allows one more run. */
  maxAttempts: number;
  reclaims: number;
  runAt?: number;
  idempotencyKey?: string;
  lastError?: string;
  failedAt?: number;
  /** The handle whose token is current (inflight) or last (done, dlq). */
  handle?: number;
  expiresAt?: number;
  finishedAt?: number;
  dlqReason?: string;
  dlqFailedAt?: number;
}

/** What a call answered: its value, or the code of the typed error it threw. */
export type Outcome = { ok: true; value?: unknown } | { ok: false; code: string };

export interface Retention {
  maxDoneCount: number;
  maxDoneAgeMs: number;
}

type LeaseOp = 'extendLease' | 'ack' | 'retry' | 'fail' | 'release';

/** Code-point order, the contract's id order (byte order of UTF-8). */
function compareIds(a: string, b: string): number {
  const x = [...a].map((c) => c.codePointAt(0) as number);
  const y = [...b].map((c) => c.codePointAt(0) as number);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number);
  }
  return x.length - y.length;
}

function byTimeThenId(a: { at: number; id: string }, b: { at: number; id: string }): number {
  return a.at !== b.at ? a.at - b.at : compareIds(a.id, b.id);
}

const fail = (code: string): Outcome => ({ ok: false, code });
const ok = (value?: unknown): Outcome => (value === undefined ? { ok: true } : { ok: true, value });

export class QueueModel {
  now: number;
  readonly jobs = new Map<string, ModelJob>();
  /** Ids of ready jobs, head first. */
  ready: string[] = [];
  /** Idempotency key to the id that claimed it. */
  readonly keys = new Map<string, string>();
  /** handle number → the job id it was issued for. */
  readonly handles: string[] = [];
  readonly retention: Retention;

  constructor(now: number, retention: Retention) {
    this.now = now;
    this.retention = retention;
  }

  advance(ms: number): void {
    this.now += ms;
  }

  enqueue(job: { id: string; runAt?: number; idempotencyKey?: string }): Outcome {
    if (this.jobs.has(job.id)) return ok({ id: job.id, existed: true });
    if (job.idempotencyKey !== undefined) {
      const first = this.keys.get(job.idempotencyKey);
      if (first !== undefined) return ok({ id: first, existed: true });
    }
    const runnable = job.runAt === undefined || job.runAt <= this.now;
    // The commands enqueue every job with maxAttempts 5.
    const stored: ModelJob = { id: job.id, status: runnable ? 'ready' : 'scheduled', attempts: 0, maxAttempts: 5, reclaims: 0 };
    if (job.runAt !== undefined) stored.runAt = job.runAt;
    if (job.idempotencyKey !== undefined) {
      stored.idempotencyKey = job.idempotencyKey;
      this.keys.set(job.idempotencyKey, job.id);
    }
    this.jobs.set(job.id, stored);
    if (runnable) this.ready.push(job.id);
    return ok({ id: job.id, existed: false });
  }

  /** reserve: promote and reclaim by (time, id) onto the tail, then lease from the head. Returns the ids leased, with their handles. */
  reserve(limit: number, leaseMs: number): { ids: string[]; handles: number[]; nextDueAt?: number } {
    const due: { at: number; id: string }[] = [];
    for (const job of this.jobs.values()) {
      if (job.status === 'scheduled' && (job.runAt as number) <= this.now) due.push({ at: job.runAt as number, id: job.id });
      if (job.status === 'inflight' && (job.expiresAt as number) <= this.now) due.push({ at: job.expiresAt as number, id: job.id });
    }
    due.sort(byTimeThenId);
    for (const { id } of due) {
      const job = this.jobs.get(id) as ModelJob;
      if (job.status === 'inflight') {
        delete job.runAt;
        delete job.handle;
        delete job.expiresAt;
        job.reclaims++;
      }
      job.status = 'ready';
      this.ready.push(id);
    }
    const ids = this.ready.splice(0, limit);
    const handles: number[] = [];
    for (const id of ids) {
      const job = this.jobs.get(id) as ModelJob;
      job.status = 'inflight';
      job.handle = this.handles.length;
      this.handles.push(id);
      job.expiresAt = this.now + leaseMs;
      handles.push(job.handle);
    }
    let nextDueAt: number | undefined;
    for (const job of this.jobs.values()) {
      const at = job.status === 'scheduled' ? job.runAt : job.status === 'inflight' ? job.expiresAt : undefined;
      if (at !== undefined && (nextDueAt === undefined || at < nextDueAt)) nextDueAt = at;
    }
    return nextDueAt === undefined ? { ids, handles } : { ids, handles, nextDueAt };
  }

  /**
   * The contract's check order for an operation on a reserved job. `handle`
   * is the lease presented, or -1 for a forged token. Returns the job when
   * the operation goes on, an outcome when it ends here.
   */
  private check(op: LeaseOp, id: string, handle: number): ModelJob | Outcome {
    const job = this.jobs.get(id);
    if (job === undefined) return fail('JOB_NOT_FOUND');
    const same = handle >= 0 && job.handle === handle;
    switch (job.status) {
      case 'ready':
      case 'scheduled':
        return fail('JOB_NOT_IN_FLIGHT');
      case 'done':
        if (op === 'ack' || op === 'fail') return same ? ok() : fail('LEASE_MISMATCH');
        return fail('JOB_NOT_IN_FLIGHT');
      case 'dlq':
        if (op === 'fail') return same ? ok() : fail('LEASE_MISMATCH');
        if (op === 'ack') return same ? fail('JOB_NOT_IN_FLIGHT') : fail('LEASE_MISMATCH');
        return fail('JOB_NOT_IN_FLIGHT');
      case 'inflight':
        if (!same) return fail('LEASE_MISMATCH');
        if (this.now >= (job.expiresAt as number)) return fail('LEASE_EXPIRED');
        return job;
    }
  }

  private leased(op: LeaseOp, id: string, handle: number): ModelJob | Outcome {
    return this.check(op, id, handle);
  }

  extendLease(id: string, handle: number, leaseMs: number): Outcome {
    const job = this.leased('extendLease', id, handle);
    if (!('id' in job)) return job;
    job.expiresAt = this.now + leaseMs;
    return ok({ expiresAt: job.expiresAt });
  }

  ack(id: string, handle: number): Outcome {
    const job = this.leased('ack', id, handle);
    if (!('id' in job)) return job;
    job.status = 'done';
    job.finishedAt = this.now;
    delete job.expiresAt;
    this.applyRetention();
    return ok();
  }

  retry(id: string, handle: number, update: { attempts: number; lastError?: string; runAt?: number }): Outcome {
    const job = this.leased('retry', id, handle);
    if (!('id' in job)) return job;
    this.recordFailure(job, update);
    delete job.handle;
    delete job.expiresAt;
    this.placeAt(job, update.runAt);
    return ok();
  }

  fail(id: string, handle: number, update: { attempts: number; lastError?: string; reason: string }): Outcome {
    const job = this.leased('fail', id, handle);
    if (!('id' in job)) return job;
    this.recordFailure(job, update);
    job.dlqReason = update.reason;
    job.dlqFailedAt = this.now;
    delete job.expiresAt;
    job.status = 'dlq';
    return ok();
  }

  /** A retry or fail: the attempts and error the worker computed, failed now. */
  private recordFailure(job: ModelJob, update: { attempts: number; lastError?: string }): void {
    job.attempts = update.attempts;
    if (update.lastError === undefined) delete job.lastError;
    else job.lastError = update.lastError;
    job.failedAt = this.now;
  }

  /** Back in the queue: ready tail when runnable now (runAt unset or due), else scheduled for runAt. */
  private placeAt(job: ModelJob, runAt: number | undefined): void {
    if (runAt === undefined) delete job.runAt;
    else job.runAt = runAt;
    if (job.runAt === undefined || job.runAt <= this.now) {
      job.status = 'ready';
      this.ready.push(job.id);
    } else {
      job.status = 'scheduled';
    }
  }

  release(id: string, handle: number): Outcome {
    const job = this.leased('release', id, handle);
    if (!('id' in job)) return job;
    delete job.handle;
    delete job.expiresAt;
    delete job.runAt;
    job.status = 'ready';
    this.ready.unshift(id);
    return ok();
  }

  requeueDlq(id: string, options: { resetAttempts?: boolean; runAt?: number }): Outcome {
    const job = this.jobs.get(id);
    if (job === undefined) return fail('JOB_NOT_FOUND');
    if (job.status !== 'dlq') return fail('VALIDATION');
    delete job.dlqReason;
    delete job.dlqFailedAt;
    delete job.handle;
    delete job.expiresAt;
    job.reclaims = 0;
    if (options.resetAttempts === true) {
      job.attempts = 0;
      delete job.lastError;
      delete job.failedAt;
    } else if (job.attempts >= job.maxAttempts) {
      job.maxAttempts = job.attempts + 1;
    }
    this.placeAt(job, options.runAt);
    return ok();
  }

  /** Retention on ack: oldest finish time first (ties by id), beyond the count or older than the age. */
  private applyRetention(): void {
    const done = [...this.jobs.values()]
      .filter((job) => job.status === 'done')
      .map((job) => ({ at: job.finishedAt as number, id: job.id }))
      .sort(byTimeThenId);
    let left = done.length;
    for (const entry of done) {
      if (left <= this.retention.maxDoneCount && this.now - entry.at <= this.retention.maxDoneAgeMs) break;
      const job = this.jobs.get(entry.id) as ModelJob;
      this.jobs.delete(entry.id);
      if (job.idempotencyKey !== undefined && this.keys.get(job.idempotencyKey) === entry.id) {
        this.keys.delete(job.idempotencyKey);
      }
      left--;
    }
  }

  /** The driver's counts as the model sees them: no job is ever cancelled here. */
  counts(): Record<ModelStatus | 'cancelled', number> {
    const counts: Record<ModelStatus | 'cancelled', number> = { ready: 0, scheduled: 0, inflight: 0, done: 0, dlq: 0, cancelled: 0 };
    for (const job of this.jobs.values()) counts[job.status]++;
    return counts;
  }
}
