import type { Lease, ResolvedRetention } from '@taskharbor/core';
import type { QueueKeys } from '../keys.js';
import source from './hold-back-5.lua';
import { type LeaseReply, leaseReply } from './lease-reply.js';
import { doneRetentionArgs } from './retention-args.js';
import { defineScript, type RedisClient, runScript } from './script.js';

export const holdBackScript = defineScript('hold-back', 5, source);

/** Gives the job back to the head of its priority and holds its group (or its queue) until `until`. */
export async function runHoldBack(
  client: RedisClient,
  keys: QueueKeys,
  lease: Lease,
  until: number,
  scriptNow: string,
  retention: ResolvedRetention,
): Promise<LeaseReply> {
  const args = [keys.base, scriptNow, lease.jobId, lease.token, String(until), ...doneRetentionArgs(retention)];
  const keyList = [keys.ready, keys.inflight, keys.index, keys.signal, keys.cancelled];
  return leaseReply(await runScript(client, holdBackScript, keyList, args, 'text'));
}
