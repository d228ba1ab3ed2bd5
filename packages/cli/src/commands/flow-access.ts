import { type FlowControl, requireFlowControl, UnsupportedOperationError } from '@taskharbor/core';
import type { AdminDriver } from '../driver-from-flags.js';
import { OperationalError } from '../errors.js';
import type { CommandContext } from './command.js';

/** A store with limits, group pauses and holds. */
export type FlowDriver = AdminDriver & FlowControl;

/**
 * Opens the store and checks that it implements flow control; a driver
 * without it gets exit 1 naming what was asked, before anything changes.
 */
export async function flowDriver(ctx: CommandContext, operation: string): Promise<FlowDriver> {
  const admin = await ctx.driver();
  try {
    return requireFlowControl(admin, operation);
  } catch (error) {
    if (!(error instanceof UnsupportedOperationError)) throw error;
    throw new OperationalError(`${ctx.driverDescription()}: ${error.message}`, error.code, { cause: error });
  }
}
