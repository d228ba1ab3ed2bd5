import type { Lease, ResolvedRetention } from '@taskharbor/core';
import type { QueueKeys } from '../keys.js';
import source from './ack-4.lua';
import { type LeaseReply, leasePairs, sparseLeaseReplies } from './lease-reply.js';
import { doneRetentionArgs } from './retention-args.js';
import { defineScript, type RedisClient, runScript, type ScriptArg } from './script.js';

export const ackScript = defineScript('ack', 4, source);

/** The ARGV of the leases: pairs (id, token), or with any result, fours (id, token, has result, bytes). */
function leaseArgs(leases: readonly Lease[], results: readonly (Uint8Array | undefined)[] | undefined): ScriptArg[] {
  if (results === undefined || results.every((result) => result === undefined)) return ['2', ...leasePairs(leases)];
  const args: ScriptArg[] = ['4'];
  leases.forEach((lease, i) => {
    const result = results[i];
    if (result === undefined) args.push(lease.jobId, lease.token, '0', '');
    else args.push(lease.jobId, lease.token, '1', Buffer.from(result.buffer, result.byteOffset, result.byteLength));
  });
  return args;
}

/**
 * Acks leases of one queue and applies retention; one reply per lease, in
 * order. `results[i]`, when given, is stored with lease i's done job.
 */
export async function runAck(
  client: RedisClient,
  keys: QueueKeys,
  leases: readonly Lease[],
  scriptNow: string,
  retention: ResolvedRetention,
  results?: readonly (Uint8Array | undefined)[],
): Promise<LeaseReply[]> {
  const args = [keys.base, scriptNow, ...doneRetentionArgs(retention), ...leaseArgs(leases, results)];
  const keyList = [keys.inflight, keys.done, keys.index, keys.cancelled];
  return sparseLeaseReplies(await runScript(client, ackScript, keyList, args, 'text'), leases.length);
}
