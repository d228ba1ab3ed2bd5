import { requireSchedules, type Schedules, UnsupportedOperationError } from '@taskharbor/core';
import type { AdminDriver } from '../driver-from-flags.js';
import { OperationalError } from '../errors.js';
import type { CommandContext } from './command.js';

/** A store that keeps schedules. */
export type SchedulesDriver = AdminDriver & Schedules;

/**
 * Opens the store and checks that it implements schedules. A driver without
 * them gets exit 1 with what was asked and where, before anything is read.
 */
export async function schedulesDriver(ctx: CommandContext, operation: string): Promise<SchedulesDriver> {
  const admin = await ctx.driver();
  try {
    return requireSchedules(admin, operation);
  } catch (error) {
    if (!(error instanceof UnsupportedOperationError)) throw error;
    throw new OperationalError(`${ctx.driverDescription()}: ${error.message}`, error.code, { cause: error });
  }
}
