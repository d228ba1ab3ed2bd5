import { type ReservedJob, type ReserveRequest, type ReserveResult, validateReserveRequest } from '@taskharbor/core';
import type { Database } from './database.js';
import type { DriverContext } from './driver-context.js';
import { toMillis, toRecord } from './job-row.js';
import { decidedAt } from './lease-check.js';
import type { ReserveRow } from './sql/reserve.js';

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
 * The Driver's reserve, and which of the three reserve statements a queue
 * gets. Queues seen using flow control (ctx.flowQueues, as queues.flow is
 * never cleared) go straight to the flow statements: the lock-free
 * reserve-priority.sql, which hands the queue to reserve_flow when it needs
 * more than priorities. For any other queue the plain statement reads the
 * flag in its own snapshot and hands out nothing when it is set, so this
 * knowledge never lets a limit slip. PostgresDriver delegates here.
 */
export class ReserveOperation {
  private readonly db: Database;
  private readonly flowQueues: Set<string>;
  /** Flow queues that needed the locked reserve (groups, limits, a hold), until when (the callers' clock) to go straight to it. */
  private readonly lockedFlowQueues = new Map<string, number>();

  constructor(private readonly ctx: DriverContext) {
    this.db = ctx.db;
    this.flowQueues = ctx.flowQueues;
  }

  /**
   * Promotes due jobs, reclaims expired leases and leases up to `limit` jobs,
   * all in one statement. The leases' expiries and nextDueAt come back on the
   * caller's clock: `now` plus their distance from the statement's own now
   * (the database's under leaseClock 'server'); the job records show the
   * stored expiry.
   */
  async reserve(request: ReserveRequest): Promise<ReserveResult> {
    this.ctx.assertOpen('reserve');
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
}
