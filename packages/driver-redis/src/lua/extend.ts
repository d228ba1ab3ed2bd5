import type { Lease } from '@taskharbor/core';
import type { QueueKeys } from '../keys.js';
import { msToNano } from '../nano.js';
import source from './extend-1.lua';
import { type LeaseReply, leasePairs, leaseReplies } from './lease-reply.js';
import { defineScript, type RedisClient, runScript } from './script.js';

export const extendScript = defineScript('extend', 1, source);

/** Extends leases of one queue to `expiresAt`; one reply per lease, in order. */
export async function runExtend(
  client: RedisClient,
  keys: QueueKeys,
  leases: readonly Lease[],
  now: number,
  expiresAt: number,
): Promise<LeaseReply[]> {
  const args = [keys.base, String(now), String(expiresAt), msToNano(expiresAt), ...leasePairs(leases)];
  return leaseReplies(await runScript(client, extendScript, [keys.inflight], args, 'text'));
}
