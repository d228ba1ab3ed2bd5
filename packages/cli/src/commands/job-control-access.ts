import { type JobControl, type JobRecord, requireJobControl, UnsupportedOperationError } from '@taskharbor/core';
import type { AdminDriver } from '../driver-from-flags.js';
import { OperationalError } from '../errors.js';
import { locateJob } from '../locate-job.js';
import type { CommandContext } from './command.js';

/** A store that can cancel, remove, promote, pause and purge. */
export type ControlDriver = AdminDriver & JobControl;

/**
 * Opens the store and checks that it implements job control. A driver
 * without it (a third-party one) gets exit 1 with what was asked and where,
 * before anything is looked up.
 */
export async function controlDriver(ctx: CommandContext, operation: string): Promise<ControlDriver> {
  const admin = await ctx.driver();
  try {
    return requireJobControl(admin, operation);
  } catch (error) {
    if (!(error instanceof UnsupportedOperationError)) throw error;
    throw new OperationalError(`${ctx.driverDescription()}: ${error.message}`, error.code, { cause: error });
  }
}

/** The store and the job an id names (every queue is searched unless --queue is given). */
export async function locateForControl(ctx: CommandContext, id: string, operation: string): Promise<{ control: ControlDriver; record: JobRecord }> {
  const control = await controlDriver(ctx, operation);
  return { control, record: await locateJob(control, id, ctx.flags) };
}
