import type { Lease } from '@taskharbor/core';
import type { QueueKeys } from '../keys.js';
import { type LeaseReply, leaseReply } from './lease-reply.js';
import source from './release-4.lua';
import { defineScript, type RedisClient, runScript } from './script.js';

export const releaseScript = defineScript('release', 4, source);

/** Gives the job back to the head of the ready list without counting a failure. */
export async function runRelease(
  client: RedisClient,
  keys: QueueKeys,
  lease: Lease,
  scriptNow: string,
): Promise<LeaseReply> {
  const args = [keys.base, scriptNow, lease.jobId, lease.token];
  const keyList = [keys.ready, keys.inflight, keys.index, keys.signal];
  return leaseReply(await runScript(client, releaseScript, keyList, args, 'text'));
}
