import { type Observability, requireObservability, UnsupportedOperationError } from '@taskharbor/core';
import type { AdminDriver } from '../driver-from-flags.js';
import { OperationalError } from '../errors.js';
import type { CommandContext } from './command.js';

/** A store that lists live workers and keeps per-minute throughput counts. */
export type ObservabilityDriver = AdminDriver & Observability;

/**
 * Opens the store and checks that it implements observability. A driver
 * without it gets exit 1 naming what was asked and where, before anything is read.
 */
export async function observabilityDriver(ctx: CommandContext, operation: string): Promise<ObservabilityDriver> {
  const admin = await ctx.driver();
  try {
    return requireObservability(admin, operation);
  } catch (error) {
    if (!(error instanceof UnsupportedOperationError)) throw error;
    throw new OperationalError(`${ctx.driverDescription()}: ${error.message}`, error.code, { cause: error });
  }
}
