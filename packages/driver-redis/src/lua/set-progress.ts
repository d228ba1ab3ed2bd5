import type { Lease } from '@taskharbor/core';
import type { QueueKeys } from '../keys.js';
import { type LeaseReply, leaseReply } from './lease-reply.js';
import { defineScript, type RedisClient, runScript } from './script.js';
import source from './set-progress-1.lua';

export const setProgressScript = defineScript('set-progress', 1, source);

/** Stores the progress JSON on the job when the lease is its current, unexpired one. */
export async function runSetProgress(
  client: RedisClient,
  keys: QueueKeys,
  lease: Lease,
  progressJson: string,
  scriptNow: string,
): Promise<LeaseReply> {
  const args = [keys.base, scriptNow, lease.jobId, lease.token, progressJson];
  return leaseReply(await runScript(client, setProgressScript, [keys.inflight], args, 'text'));
}
