import type { Lease } from '@taskharbor/core';
import type { QueueKeys } from '../keys.js';
import source from './extend-1.lua';
import { type LeaseReply, leasePairs, leaseReplies } from './lease-reply.js';
import { defineScript, type RedisClient, runScript } from './script.js';

export const extendScript = defineScript('extend', 1, source);

/** Extends leases of one queue to the script's now + leaseMs; one reply per lease, in order. */
export async function runExtend(
  client: RedisClient,
  keys: QueueKeys,
  leases: readonly Lease[],
  scriptNow: string,
  leaseMs: number,
): Promise<LeaseReply[]> {
  const args = [keys.base, scriptNow, String(leaseMs), ...leasePairs(leases)];
  return leaseReplies(await runScript(client, extendScript, [keys.inflight], args, 'text'));
}
