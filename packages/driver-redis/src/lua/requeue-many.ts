import { BULK_STEP_SIZE, type RequeueManyOptions } from '@taskharbor/core';
import type { QueueKeys } from '../keys.js';
import { type BulkStep, runBulkSteps, type StepGuard } from './bulk-steps.js';
import source from './requeue-many-3.lua';
import { defineScript, type RedisClient, runScript } from './script.js';

export const requeueManyScript = defineScript('requeue-many', 3, source);

/**
 * Moves matching dead-lettered jobs, oldest failure first, back to the ready
 * tail in steps of at most BULK_STEP_SIZE jobs per script, each step sent through `guard` (the driver's write: its
 * timeout and unknown-outcome rule apply to each script, not to the whole
 * run); returns how many.
 */
export async function runRequeueMany(client: RedisClient, keys: QueueKeys, options: RequeueManyOptions, guard: StepGuard): Promise<number> {
  const reset = options.resetAttempts === true ? '1' : '0';
  const step: BulkStep = async (position, most) =>
    guard(() =>
    runScript(
      client,
      requeueManyScript,
      [keys.ready, keys.dlq, keys.signal],
      [keys.base, options.type ?? '', reset, String(position), String(most), String(BULK_STEP_SIZE)],
      'text',
    ));
  return runBulkSteps(step, options.limit);
}
