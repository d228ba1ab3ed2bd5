import {
  type AdvanceScheduleRequest,
  type AdvanceScheduleResult,
  type EnqueueResult,
  occurrenceJobId,
  type PutScheduleRequest,
  type PutScheduleResult,
  type ScheduleListPage,
  type ScheduleListRequest,
  ScheduleNotFoundError,
  type ScheduleRecord,
  MAX_SCHEDULE_PAGE,
  type TriggerScheduleOptions,
  triggerJob,
  ValidationError,
  validateAdvanceScheduleRequest,
  validatePutScheduleRequest,
  validateScheduleListRequest,
  validateScheduleRef,
  validateTriggerOptions,
} from '@taskharbor/core';
import type { DriverContext } from '../driver-context.js';
import { toMillis } from '../job-row.js';
import { decodeListCursor, encodeListCursor } from '../list-cursor.js';
import { advanceInTransaction } from './advance.js';
import { storeOccurrences, WAITING_STATUSES } from './occurrences.js';
import { type ScheduleRow, toScheduleRecord, writeScheduleParams } from './schedule-row.js';
import { bindScheduleStatements, type ScheduleStatements } from './schedule-statements.js';

/**
 * The schedules family on PostgreSQL: each operation validates with core's
 * checks, then runs one transaction (put, remove, advance: the schedule's
 * row locked with FOR UPDATE, then the job writes) or one statement (get,
 * list, pause, resume). Trigger reads the schedule, then enqueues. The
 * driver's own waiters hear a change after commit; other processes hear
 * the notices the statements send at commit. PostgresDriver delegates
 * here; docs/postgres.md ("Schedules") describes the table and each step.
 */
export class PostgresSchedules {
  private readonly sql: ScheduleStatements;

  constructor(private readonly ctx: DriverContext) {
    this.sql = bindScheduleStatements(ctx.db.schema, ctx.db.leaseClock);
  }

  /** Creates or replaces a schedule and swaps its pending occurrence; the same revision changes nothing. */
  async putSchedule(request: PutScheduleRequest): Promise<PutScheduleResult> {
    this.ctx.assertOpen('putSchedule');
    validatePutScheduleRequest(request);
    const { schedule: spec, now } = request;
    const outcome = await this.ctx.db.transaction('putSchedule', async (tx) => {
      await tx.read(this.sql.lockScheduleName, [spec.name]);
      const [old] = await tx.read(this.sql.lockSchedule, [spec.name]);
      if (old !== undefined && old.queue !== spec.queue) {
        throw new ValidationError('queue', `schedule ${spec.name} lives in queue ${old.queue}; remove it before making it in ${spec.queue}`);
      }
      if (old !== undefined && old.revision === spec.revision) return { status: 'unchanged' as const, row: old };
      let deletedId: string | undefined;
      if (old?.next_run_at != null) {
        const id = occurrenceJobId(spec.name, toMillis(old.next_run_at));
        const [deleted] = await tx.write(this.sql.deleteJobInStatus, [old.queue, id, WAITING_STATUSES]);
        if (deleted?.removed) deletedId = id;
      }
      const [row] = (await tx.write(this.sql.writeSchedule, writeScheduleParams(spec, request.nextRunAt, now))) as [ScheduleRow];
      const occurrences = request.occurrence === undefined ? [] : [request.occurrence];
      const stored = await storeOccurrences(tx, this.ctx.db.sql, occurrences, now);
      return { status: old === undefined ? ('created' as const) : ('replaced' as const), row, deletedId, stored };
    });
    if (outcome.status !== 'unchanged') this.afterCommit(spec.queue, outcome.deletedId, outcome.stored);
    return { status: outcome.status, schedule: toScheduleRecord(outcome.row) };
  }

  /** Deletes a schedule and its waiting occurrence (one in flight runs on); false when there is none. */
  async removeSchedule(name: string): Promise<boolean> {
    this.ctx.assertOpen('removeSchedule');
    validateScheduleRef(name);
    const outcome = await this.ctx.db.transaction('removeSchedule', async (tx) => {
      const [row] = await tx.read(this.sql.lockSchedule, [name]);
      if (row === undefined) return undefined;
      await tx.write(this.sql.deleteSchedule, [name]);
      if (row.next_run_at === null) return { queue: row.queue, deletedId: undefined };
      const id = occurrenceJobId(name, toMillis(row.next_run_at));
      const [deleted] = await tx.write(this.sql.deleteJobInStatus, [row.queue, id, WAITING_STATUSES]);
      return { queue: row.queue, deletedId: deleted?.removed ? id : undefined };
    });
    if (outcome === undefined) return false;
    this.afterCommit(outcome.queue, outcome.deletedId, false);
    return true;
  }

  /** The stored schedule, or undefined. */
  async getSchedule(name: string): Promise<ScheduleRecord | undefined> {
    this.ctx.assertOpen('getSchedule');
    validateScheduleRef(name);
    const [row] = await this.ctx.db.read(this.sql.getSchedule, [name]);
    return row === undefined ? undefined : toScheduleRecord(row);
  }

  /** The compare-and-set that moves a schedule on from its pending tick (see advanceInTransaction). */
  async advanceSchedule(request: AdvanceScheduleRequest): Promise<AdvanceScheduleResult> {
    this.ctx.assertOpen('advanceSchedule');
    validateAdvanceScheduleRequest(request);
    const outcome = await this.ctx.db.transaction('advanceSchedule', (tx) =>
      advanceInTransaction(tx, this.sql, this.ctx.db.sql, request),
    );
    if (!outcome.advanced) return { advanced: false };
    this.afterCommit(outcome.queue, outcome.droppedId, outcome.stored);
    return { advanced: true };
  }

  /** One page of schedules in name order (byte order), by the primary key. */
  async schedules(request?: ScheduleListRequest): Promise<ScheduleListPage> {
    this.ctx.assertOpen('schedules');
    validateScheduleListRequest(request);
    const after = request?.cursor === undefined ? null : decodeListCursor(request.cursor);
    const limit = request?.limit ?? MAX_SCHEDULE_PAGE;
    const rows = await this.ctx.db.read(this.sql.listSchedules, [after, limit + 1]);
    const schedules = rows.slice(0, limit).map(toScheduleRecord);
    if (rows.length <= limit) return { schedules };
    return { schedules, nextCursor: encodeListCursor((schedules[schedules.length - 1] as ScheduleRecord).name) };
  }

  /** Enqueues one occurrence of the schedule now, leaving its cadence alone; a read, then an enqueue. */
  async triggerSchedule(name: string, options: TriggerScheduleOptions): Promise<EnqueueResult> {
    this.ctx.assertOpen('triggerSchedule');
    validateScheduleRef(name);
    validateTriggerOptions(options);
    const [row] = await this.ctx.db.read(this.sql.getSchedule, [name]);
    if (row === undefined) throw new ScheduleNotFoundError(name);
    const [result] = await this.ctx.store('triggerSchedule', [triggerJob(toScheduleRecord(row), options.now)], options.now);
    return result as EnqueueResult;
  }

  /** Sets the paused flag (version + 1 when it changes); the pending occurrence stays. */
  async pauseSchedule(name: string): Promise<void> {
    await this.setPaused('pauseSchedule', name, true);
  }

  /** Clears the paused flag (version + 1 when it changes). */
  async resumeSchedule(name: string): Promise<void> {
    await this.setPaused('resumeSchedule', name, false);
  }

  private async setPaused(operation: string, name: string, paused: boolean): Promise<void> {
    this.ctx.assertOpen(operation);
    validateScheduleRef(name);
    const [row] = await this.ctx.db.write(operation, this.sql.setSchedulePaused, [name, paused]);
    if (!row?.found) throw new ScheduleNotFoundError(name);
  }

  /** Tells this driver's waiters what a committed transaction did: a deleted occurrence, new jobs in the queue. */
  private afterCommit(queue: string, deletedId: string | undefined, stored: boolean): void {
    if (deletedId !== undefined) void this.ctx.finishWaiters.recheck(queue, deletedId);
    if (stored) this.ctx.waiters.wake(queue);
  }
}
