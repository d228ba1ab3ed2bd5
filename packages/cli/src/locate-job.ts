import { type JobRecord, validateName } from '@taskharbor/core';
import type { GlobalFlags } from './args/global-flags.js';
import type { AdminDriver } from './driver-from-flags.js';
import { OperationalError } from './errors.js';

/** Queues looked into at once when searching for a job by id. */
const SEARCH_BATCH = 32;

/**
 * Finds a job by id. Admin calls address a job by queue and id, but an
 * operator pasting an id from a log rarely knows its queue, so without an
 * explicit --queue every known queue is searched (the given one first).
 * With --queue the job must be in that queue: it is a guard against acting
 * on the wrong one.
 */
export async function locateJob(admin: AdminDriver, id: string, flags: GlobalFlags): Promise<JobRecord> {
  validateName('id', id);
  const first = await admin.inspect({ queue: flags.queue, id });
  if (first !== undefined) return first;
  if (flags.queueExplicit) {
    throw new OperationalError(`job ${id} not found in queue ${flags.queue}`, 'JOB_NOT_FOUND');
  }
  const others = (await admin.queues()).filter((queue) => queue !== flags.queue);
  for (let i = 0; i < others.length; i += SEARCH_BATCH) {
    const batch = others.slice(i, i + SEARCH_BATCH);
    const found = await Promise.all(batch.map((queue) => admin.inspect({ queue, id })));
    const record = found.find((entry) => entry !== undefined);
    if (record !== undefined) return record;
  }
  const all = [flags.queue, ...others];
  const searched = others.length === 0 ? `queue ${flags.queue}` : `any queue (searched ${all.length <= 5 ? all.join(', ') : `${all.length} queues`})`;
  throw new OperationalError(`job ${id} not found in ${searched}`, 'JOB_NOT_FOUND');
}
