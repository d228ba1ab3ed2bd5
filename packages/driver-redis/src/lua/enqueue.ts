import type { EnqueueResult, NewJobRecord } from '@taskharbor/core';
import { idsAscending } from '../id-order.js';
import type { QueueKeys } from '../keys.js';
import source from './enqueue-6.lua';
import { jobStride, pushJobArgs } from './job-args.js';
import { defineScript, type RedisClient, runScript, type ScriptArg } from './script.js';

export const enqueueScript = defineScript('enqueue', 6, source);

/**
 * Stores validated jobs of one queue in one atomic step; answers in the same
 * order. `nows[i]` is the caller's now for jobs[i] (gathered single enqueues
 * each bring their own). `handoffNow` is the script's now for the lease of
 * a job handed to an idle worker, or '' to hand none over.
 */
export async function runEnqueue(
  client: RedisClient,
  keys: QueueKeys,
  jobs: readonly NewJobRecord[],
  nows: readonly number[],
  handoffNow: string,
): Promise<EnqueueResult[]> {
  const stride = jobStride(jobs);
  const args: ScriptArg[] = [keys.base, stride, handoffNow, idsAscending(jobs.map((job) => job.id)) ? '1' : ''];
  jobs.forEach((job, i) => {
    pushJobArgs(args, job, nows[i] as number, stride);
  });
  const reply = (await runScript(client, enqueueScript, [keys.ready, keys.scheduled, keys.index, keys.signal, keys.inflight, keys.takers], args, 'text')) as (
    | string
    | number
  )[];
  const results: EnqueueResult[] = jobs.map((job) => ({ id: job.id, existed: false }));
  for (let i = 0; i < reply.length; i += 2) {
    results[Number(reply[i]) - 1] = { id: String(reply[i + 1]), existed: true };
  }
  return results;
}
