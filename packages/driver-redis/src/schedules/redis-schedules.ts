import { randomBytes } from 'node:crypto';
import {
  type AdvanceScheduleRequest,
  type AdvanceScheduleResult,
  type EnqueueResult,
  MAX_SCHEDULE_PAGE,
  type PutScheduleRequest,
  type PutScheduleResult,
  type ScheduleListPage,
  type ScheduleListRequest,
  ScheduleNotFoundError,
  type ScheduleRecord,
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
import type { EnqueueStore } from '../enqueue-store.js';
import { hashFromObject } from '../job-hash.js';
import { decodeListCursor, encodeListCursor } from '../list-cursor.js';
import { runAdvanceSchedule } from '../lua/advance-schedule.js';
import { throwIfRefused } from '../lua/lease-reply.js';
import { runPauseSchedule } from '../lua/pause-schedule.js';
import { runPutSchedule } from '../lua/put-schedule.js';
import { runRemoveSchedule } from '../lua/remove-schedule.js';
import { parseScheduleHash } from './schedule-hash.js';
import { type IndexEntry, ScheduleIndex } from './schedule-index.js';

/**
 * The Schedules family on Redis. A schedule's record, its pending
 * occurrence and every occurrence live in its queue's slot, so each
 * operation on them is one Lua script; the global name index
 * (ScheduleIndex) tells operations that take a name alone which queue that
 * is. RedisDriver delegates here; docs/redis.md ("Schedules") describes
 * the keys and scripts.
 */
export class RedisSchedules {
  private readonly index: ScheduleIndex;

  constructor(
    private readonly ctx: DriverContext,
    private readonly store: EnqueueStore,
  ) {
    this.index = new ScheduleIndex(ctx);
  }

  /** Claims the name in the index, then writes the record and swaps the pending occurrence in one script. */
  async putSchedule(request: PutScheduleRequest): Promise<PutScheduleResult> {
    await this.begin('putSchedule', () => validatePutScheduleRequest(request));
    const { name, queue } = request.schedule;
    const claim = randomBytes(12).toString('base64url');
    await this.index.claim(name, queue, claim);
    const [result] = await Promise.all([
      this.ctx.write(`putSchedule of ${name}`, () => runPutSchedule(this.ctx.client, this.ctx.keys.queue(queue), request, claim), queue),
      this.store.registerQueues([queue]),
    ]);
    return result;
  }

  /** Deletes the record and its waiting occurrence in one script, then the index entry that put wrote. */
  async removeSchedule(name: string): Promise<boolean> {
    await this.begin('removeSchedule', () => validateScheduleRef(name));
    const entry = await this.index.find(name);
    if (entry === undefined) return false;
    const claim = await this.ctx.write(`removeSchedule of ${name}`, () => runRemoveSchedule(this.ctx.client, this.ctx.keys.queue(entry.queue), name), entry.queue);
    if (claim === undefined) return false;
    await this.index.release({ name, queue: entry.queue, claim });
    return true;
  }

  async getSchedule(name: string): Promise<ScheduleRecord | undefined> {
    await this.begin('getSchedule', () => validateScheduleRef(name));
    const entry = await this.index.find(name);
    return entry === undefined ? undefined : this.read(entry);
  }

  /**
   * With a lease the script runs in the lease's queue (an advance applies
   * only when the schedule lives there), so the worker's path needs no
   * index lookup; a repair runs in the queue the index names.
   */
  async advanceSchedule(request: AdvanceScheduleRequest): Promise<AdvanceScheduleResult> {
    await this.begin('advanceSchedule', () => validateAdvanceScheduleRequest(request));
    const { name, lease, now } = request;
    const queue = lease?.queue ?? (await this.index.find(name))?.queue;
    if (queue === undefined) return { advanced: false };
    const reply = await this.ctx.write(
      `advanceSchedule of ${name}`,
      () => runAdvanceSchedule(this.ctx.client, this.ctx.keys.queue(queue), request, this.ctx.scriptNow(now)),
      queue,
    );
    switch (reply.code) {
      case 'ADVANCED':
        return { advanced: true };
      case 'NOT_ADVANCED':
        return { advanced: false };
      case 'BAD_QUEUE':
        throw this.occurrencesElsewhere(name, queue);
      case 'LEASE':
        throwIfRefused(reply.refusal, lease as NonNullable<typeof lease>, now);
        throw new Error(`advance of schedule ${name}: the lease check answered ${JSON.stringify(reply.refusal)}`);
      case 'NO_RECORD':
        await this.checkOccurrencesAgainstIndex(request, queue);
        return { advanced: false };
    }
  }

  /** One page in ascending name order (bytes), read from the index in chunks; entries whose record is gone are skipped. */
  async schedules(request?: ScheduleListRequest): Promise<ScheduleListPage> {
    await this.begin('schedules', () => validateScheduleListRequest(request));
    const limit = request?.limit ?? MAX_SCHEDULE_PAGE;
    let after = request?.cursor === undefined ? undefined : decodeListCursor(request.cursor);
    const found: ScheduleRecord[] = [];
    while (found.length <= limit) {
      const entries = await this.index.page(after, limit + 1);
      const records = await Promise.all(entries.map((entry) => this.read(entry)));
      for (const record of records) if (record !== undefined) found.push(record);
      const last = entries[entries.length - 1];
      if (last === undefined || entries.length < limit + 1) break;
      after = last.name;
    }
    const schedules = found.slice(0, limit);
    const lastListed = schedules[schedules.length - 1];
    return found.length > limit && lastListed !== undefined ? { schedules, nextCursor: encodeListCursor(lastListed.name) } : { schedules };
  }

  /** Reads the schedule, then enqueues its trigger job as enqueue does (a remove in between is harmless: the job runs once). */
  async triggerSchedule(name: string, options: TriggerScheduleOptions): Promise<EnqueueResult> {
    await this.begin('triggerSchedule', () => {
      validateScheduleRef(name);
      validateTriggerOptions(options);
    });
    const entry = await this.index.find(name);
    const record = entry === undefined ? undefined : await this.read(entry);
    if (record === undefined) throw new ScheduleNotFoundError(name);
    const [result] = await this.store.storeJobs([triggerJob(record, options.now)], options.now);
    return result as EnqueueResult;
  }

  pauseSchedule(name: string): Promise<void> {
    return this.setPaused('pauseSchedule', name, true);
  }

  resumeSchedule(name: string): Promise<void> {
    return this.setPaused('resumeSchedule', name, false);
  }

  private async setPaused(operation: string, name: string, paused: boolean): Promise<void> {
    await this.begin(operation, () => validateScheduleRef(name));
    const entry = await this.index.find(name);
    if (entry === undefined) throw new ScheduleNotFoundError(name);
    const { client, keys } = this.ctx;
    const found = await this.ctx.write(`${operation} of ${name}`, () => runPauseSchedule(client, keys.queue(entry.queue), name, paused), entry.queue);
    if (!found) throw new ScheduleNotFoundError(name);
  }

  /** The record the entry points at, or undefined when its queue holds none (a stale entry). */
  private async read(entry: IndexEntry): Promise<ScheduleRecord | undefined> {
    const hash = await this.ctx.client.hgetallBuffer(this.ctx.keys.queue(entry.queue).schedule(entry.name));
    return Object.keys(hash).length === 0 ? undefined : parseScheduleHash(hashFromObject(hash));
  }

  private occurrencesElsewhere(name: string, queue: string): ValidationError {
    return new ValidationError('occurrences', `the occurrences of schedule ${name} must be jobs of its queue ${queue}`);
  }

  /**
   * The lease's queue holds no such schedule. If it lives in another queue,
   * occurrences of a third queue are still a ValidationError (the
   * contract's order); otherwise the advance just does not apply.
   */
  private async checkOccurrencesAgainstIndex(request: AdvanceScheduleRequest, leaseQueue: string): Promise<void> {
    const queue = request.occurrences[0]?.queue;
    if (request.lease === undefined || queue === undefined) return;
    const entry = await this.index.find(request.name);
    if (entry === undefined || entry.queue === leaseQueue || entry.queue === queue) return;
    if ((await this.read(entry)) !== undefined) throw this.occurrencesElsewhere(request.name, entry.queue);
  }

  /** The steps every operation starts with: closed check, input validation, data-model check. */
  private async begin(operation: string, validate: () => void): Promise<void> {
    this.ctx.assertOpen(operation);
    validate();
    await this.ctx.prepare();
  }
}
