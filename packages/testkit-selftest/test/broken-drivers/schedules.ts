import type { PutScheduleRequest, PutScheduleResult, ScheduleRecord } from '@taskharbor/core';
import { MemoryDriver } from '@taskharbor/driver-memory';

/*
 * Drivers that each break one rule of the schedules family
 * (docs/driver-contract.md), for parts/schedules.ts.
 */

/**
 * Breaks "advance is a compare-and-set": a plan made from an older version,
 * or a second plan for a tick already advanced, is applied all the same.
 */
export class AdvancesWithoutCompare extends MemoryDriver {
  protected override scheduleAdvanceApplies(_record: ScheduleRecord): boolean {
    return true;
  }
}

/** Breaks "a put of the same revision changes nothing": the schedule is made anew, its count and version reset. */
export class ReplacesUnchangedSchedules extends MemoryDriver {
  override async putSchedule(request: PutScheduleRequest): Promise<PutScheduleResult> {
    const name = request?.schedule?.name;
    // An invalid name or a closed driver fails here and again, unbroken, in putSchedule.
    const stored = await this.getSchedule(name).catch(() => undefined);
    if (stored !== undefined && stored.revision === request.schedule.revision) await this.removeSchedule(name);
    return super.putSchedule(request);
  }
}
