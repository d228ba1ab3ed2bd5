import { type BatchOutcome, BULK_STEP_SIZE, type Lease, LeaseMismatchError, metricsMinute } from '@taskharbor/core';
import type { Database } from './database.js';
import { PostgresOutcomeUnknownError } from './errors.js';
import { asBuffer, toMillis } from './job-row.js';
import { decidedAt, explainUnchanged, type FinalStatus, type LeaseStateRow } from './lease-check.js';
import type { DoneRules } from './retention.js';
import type { AckRow } from './sql/ack.js';
import type { Statement } from './sql/statement.js';

/** A lease statement's answer: the state before, whether it changed the job, what it made of it, and the now it decided by. */
export interface LeaseWriteRow extends LeaseStateRow {
  changed: boolean;
  new_status?: string | null;
  decided_at: string;
}

/** A single-lease write's outcome with the now it decided by (the database's under leaseClock 'server'): what follows it goes by that too. */
export type LeaseWriteOutcome<R> = ({ changed: true; row: R } | { changed: false }) & { decidedAt: number };

/** A job an ack finished, and how: done, or cancelled (it had a cancel request). */
export interface AckedJob {
  queue: string;
  id: string;
  status: 'done' | 'cancelled';
}

export interface ExtendRow extends LeaseWriteRow {
  new_expires_at: string | null;
  cancel_requested: boolean | null;
}

/**
 * The statements that write a reserved job under its lease. The token and
 * expiry check is in each statement's WHERE, so a late writer changes
 * nothing; when nothing changed, the state the statement read names the
 * contract's error (or a repeated ack or fail, which succeeds).
 */
export class LeaseWrites {
  constructor(private readonly db: Database) {}

  /**
   * Runs one single-lease statement (`values` follow queue, id, token, now):
   * its row when it changed the job, unchanged for a repeated ack or fail,
   * or the contract's typed error thrown.
   */
  async one<Rest extends unknown[], R extends LeaseWriteRow>(
    operation: string,
    statement: Statement<[queue: string, id: string, token: string, now: number, ...rest: Rest], R>,
    lease: Lease,
    now: number,
    writes: FinalStatus | undefined,
    values: NoInfer<Rest>,
  ): Promise<LeaseWriteOutcome<R>> {
    const [row] = await this.db.write(operation, statement, [lease.queue, lease.jobId, lease.token, now, ...values]);
    const decided = decidedAt(row, now);
    if (row?.changed) return { changed: true, row, decidedAt: decided };
    const error = await this.unchangedError(row, lease, decided, writes);
    if (error !== undefined) throw error;
    return { changed: false, decidedAt: decided };
  }

  /**
   * Acks every lease in one statement, which also applies the done
   * retention `rules` (with a count of 0 and no flow control, the
   * delete-only ack-remove.sql); one outcome per lease, the jobs it
   * finished, whether retention left more to trim, and the now the
   * statement decided by.
   */
  async ack(
    operation: string,
    leases: readonly Lease[],
    now: number,
    results: readonly (Uint8Array | undefined)[],
    rules: DoneRules,
    flow: boolean,
  ): Promise<{ outcomes: BatchOutcome<void>[]; finished: AckedJob[]; retentionMore: boolean; slotsWoken: boolean; decidedAt: number }> {
    const finished: AckedJob[] = [];
    let retentionMore = false;
    let slotsWoken = false;
    let decided = now;
    const settle = async (row: AckRow, lease: Lease): Promise<Error | undefined | { value: undefined }> => {
      decided = decidedAt(row, now);
      if (row.retention_more) retentionMore = true;
      if (Number(row.flow_wakes) > 0) slotsWoken = true;
      if (!row.changed) return this.unchangedError(row, lease, decided, 'done');
      finished.push({ queue: lease.queue, id: lease.jobId, status: row.new_status === 'cancelled' ? 'cancelled' : 'done' });
      return undefined;
    };
    const leaseArrays = (unique: Lease[]): [string[], string[], string[]] => [
      unique.map((lease) => lease.queue),
      unique.map((lease) => lease.jobId),
      unique.map((lease) => lease.token),
    ];
    // A count of 0 removes every job the ack finishes: the statement that only deletes will do.
    const outcomes =
      !flow && rules.maxCount === 0
        ? await this.batch(operation, this.db.sql.ackRemove, leases, (unique) => [...leaseArrays(unique), now, metricsMinute(now)], settle)
        : await this.batch(
            operation,
            flow ? this.db.sql.ackFlow : this.db.sql.ack,
            leases,
            (unique, firstIndex) => [
              ...leaseArrays(unique),
              now,
              firstIndex.map((index) => {
                const result = results[index];
                return result === undefined ? null : asBuffer(result);
              }),
              rules.maxCount,
              rules.maxAgeMs,
              BULK_STEP_SIZE,
              metricsMinute(now),
            ],
            settle,
          );
    return { outcomes, finished, retentionMore, slotsWoken, decidedAt: decided };
  }

  /**
   * Extends every lease in one statement; one outcome per lease, marked when
   * a cancel was requested. A returned expiry is on the caller's clock: its
   * `now` plus the lease (the stored one is on the statement's clock).
   */
  async extend(operation: string, leases: readonly Lease[], leaseMs: number, now: number): Promise<BatchOutcome<Lease>[]> {
    return this.batch(
      operation,
      this.db.sql.extendLeases,
      leases,
      (unique) => [unique.map((lease) => lease.queue), unique.map((lease) => lease.jobId), unique.map((lease) => lease.token), now, leaseMs],
      async (row, lease) => {
        const decided = decidedAt(row, now);
        if (!row.changed) return this.unchangedError(row, lease, decided, undefined);
        const expiresAt = now + (toMillis(row.new_expires_at as string) - decided);
        const extended: Lease = { jobId: lease.jobId, queue: lease.queue, token: lease.token, expiresAt };
        if (row.cancel_requested) extended.cancelRequested = true;
        return { value: extended };
      },
    );
  }

  /**
   * Runs a batch statement over the distinct leases (a lease named twice
   * gets one answer) and maps each row to an outcome: an error, or a value
   * (`undefined` meaning success without one). A lost connection is every
   * lease's outcome.
   */
  private async batch<P extends unknown[], R extends LeaseWriteRow, T>(
    operation: string,
    statement: Statement<P, R>,
    leases: readonly Lease[],
    params: (unique: Lease[], firstIndex: number[]) => P,
    settle: (row: R, lease: Lease) => Promise<Error | undefined | { value: T }>,
  ): Promise<BatchOutcome<T>[]> {
    if (leases.length === 0) return [];
    const { unique, firstIndex, slotOf } = distinctLeases(leases);
    let rows: R[];
    try {
      rows = await this.db.write(operation, statement, params(unique, firstIndex));
    } catch (error) {
      if (error instanceof PostgresOutcomeUnknownError) return leases.map(() => ({ ok: false, error }));
      throw error;
    }
    const settled: BatchOutcome<T>[] = [];
    for (const [slot, lease] of unique.entries()) {
      const outcome = await settle(rows[slot] as R, lease);
      if (outcome instanceof Error) settled.push({ ok: false, error: outcome });
      else settled.push({ ok: true, value: outcome?.value as T });
    }
    return slotOf.map((slot) => {
      const outcome = settled[slot] as BatchOutcome<T>;
      // Each caller gets its own copy of a returned lease.
      return outcome.ok && typeof outcome.value === 'object' ? { ok: true, value: { ...outcome.value } } : outcome;
    });
  }

  /** Why a lease statement changed nothing: undefined for a repeat, else the typed error (reading the job again if needed). */
  private async unchangedError(
    row: LeaseStateRow | undefined,
    lease: Lease,
    now: number,
    writes: FinalStatus | undefined,
  ): Promise<Error | undefined> {
    let verdict = explainUnchanged(row, lease, now, writes);
    if (verdict === 'stale') {
      const [fresh] = await this.db.read(this.db.sql.jobState, [lease.queue, lease.jobId]);
      verdict = explainUnchanged(fresh, lease, now, writes);
    }
    if (verdict === 'repeat') return undefined;
    if (verdict === 'stale') return new LeaseMismatchError(lease.jobId, 'the job changed while the statement ran; read it again');
    return verdict;
  }
}

/** The distinct leases (by queue, id and token) in first-seen order, their indexes, and per lease its slot among them. */
function distinctLeases(leases: readonly Lease[]): { unique: Lease[]; firstIndex: number[]; slotOf: number[] } {
  const unique: Lease[] = [];
  const firstIndex: number[] = [];
  const slots = new Map<string, number>();
  const slotOf = leases.map((lease, index) => {
    const key = `${lease.queue} ${lease.jobId} ${lease.token}`;
    let slot = slots.get(key);
    if (slot === undefined) {
      slot = unique.length;
      unique.push(lease);
      firstIndex.push(index);
      slots.set(key, slot);
    }
    return slot;
  });
  return { unique, firstIndex, slotOf };
}
