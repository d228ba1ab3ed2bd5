import type { Lease, ResolvedRetention } from '@taskharbor/core';
import type { QueueKeys } from '../keys.js';
import { type LeaseReply, leaseReply } from './lease-reply.js';
import source from './release-5.lua';
import { doneRetentionArgs } from './retention-args.js';
import { defineScript, type RedisClient, runScript } from './script.js';

export const releaseScript = defineScript('release', 5, source);

/** Gives the job back to the head of the ready list without counting a failure; a job with a cancel request ends cancelled. */
export async function runRelease(
  client: RedisClient,
  keys: QueueKeys,
  lease: Lease,
  scriptNow: string,
  retention: ResolvedRetention,
): Promise<LeaseReply> {
  const args = [keys.base, scriptNow, lease.jobId, lease.token, ...doneRetentionArgs(retention)];
  const keyList = [keys.ready, keys.inflight, keys.index, keys.signal, keys.cancelled];
  return leaseReply(await runScript(client, releaseScript, keyList, args, 'text'));
}
