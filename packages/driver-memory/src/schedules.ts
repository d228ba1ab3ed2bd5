import {
  type AdvanceScheduleRequest,
  type AdvanceScheduleResult,
  type EnqueueResult,
  type PutScheduleRequest,
  type PutScheduleResult,
  type ScheduleListPage,
  type ScheduleListRequest,
  type ScheduleRecord,
  type TriggerScheduleOptions,
  validateAdvanceScheduleRequest,
  validatePutScheduleRequest,
  validateScheduleListRequest,
  validateScheduleRef,
  validateTriggerOptions,
} from '@taskharbor/core';
import type { DriverContext } from './driver-context.js';
import type { ScheduleBook } from './schedule-book.js';

/**
 * The Schedules family in memory: each operation checks the driver is open
 * and validates its input, then the schedule book (schedule-book.ts)
 * applies the family's rules. MemoryDriver delegates here.
 */
export class MemorySchedules {
  constructor(
    private readonly ctx: DriverContext,
    private readonly book: ScheduleBook,
  ) {}

  /** Creates or replaces a schedule and swaps its pending occurrence; the same revision changes nothing. */
  async putSchedule(request: PutScheduleRequest): Promise<PutScheduleResult> {
    this.ctx.assertOpen('putSchedule');
    validatePutScheduleRequest(request);
    return this.book.put(request);
  }

  /** Deletes a schedule and its waiting occurrence; false when there is none. */
  async removeSchedule(name: string): Promise<boolean> {
    this.ctx.assertOpen('removeSchedule');
    validateScheduleRef(name);
    return this.book.remove(name);
  }

  /** A copy of the stored schedule, or undefined. */
  async getSchedule(name: string): Promise<ScheduleRecord | undefined> {
    this.ctx.assertOpen('getSchedule');
    validateScheduleRef(name);
    return this.book.get(name);
  }

  /** The compare-and-set that moves a schedule on from its pending tick. */
  async advanceSchedule(request: AdvanceScheduleRequest): Promise<AdvanceScheduleResult> {
    this.ctx.assertOpen('advanceSchedule');
    validateAdvanceScheduleRequest(request);
    return this.book.advance(request);
  }

  /** One page of schedules in name order. */
  async schedules(request?: ScheduleListRequest): Promise<ScheduleListPage> {
    this.ctx.assertOpen('schedules');
    validateScheduleListRequest(request);
    return this.book.list(request);
  }

  /** Enqueues one occurrence of the schedule now, leaving its cadence alone. */
  async triggerSchedule(name: string, options: TriggerScheduleOptions): Promise<EnqueueResult> {
    this.ctx.assertOpen('triggerSchedule');
    validateScheduleRef(name);
    validateTriggerOptions(options);
    return this.book.trigger(name, options.now);
  }

  /** Drops the ticks that come due from now on, until resumeSchedule. */
  async pauseSchedule(name: string): Promise<void> {
    this.ctx.assertOpen('pauseSchedule');
    validateScheduleRef(name);
    this.book.setPaused(name, true);
  }

  /** Lets the schedule's ticks run again. */
  async resumeSchedule(name: string): Promise<void> {
    this.ctx.assertOpen('resumeSchedule');
    validateScheduleRef(name);
    this.book.setPaused(name, false);
  }

  /** Forgets every schedule (the driver closes). */
  clear(): void {
    this.book.clear();
  }
}
