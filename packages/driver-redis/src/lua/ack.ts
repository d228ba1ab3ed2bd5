import type { Lease, ResolvedRetention } from '@taskharbor/core';
import type { QueueKeys } from '../keys.js';
import source from './ack-3.lua';
import { type LeaseReply, leasePairs, sparseLeaseReplies } from './lease-reply.js';
import { defineScript, type RedisClient, runScript } from './script.js';

export const ackScript = defineScript('ack', 3, source);

/** Acks leases of one queue and applies retention; one reply per lease, in order. */
export async function runAck(
  client: RedisClient,
  keys: QueueKeys,
  leases: readonly Lease[],
  scriptNow: string,
  retention: ResolvedRetention,
): Promise<LeaseReply[]> {
  const maxDone = Number.isFinite(retention.maxDoneCount) ? String(retention.maxDoneCount) : '';
  const maxAge = Number.isFinite(retention.maxDoneAgeMs) ? String(retention.maxDoneAgeMs) : '';
  const args = [keys.base, scriptNow, maxDone, maxAge, ...leasePairs(leases)];
  return sparseLeaseReplies(await runScript(client, ackScript, [keys.inflight, keys.done, keys.index], args, 'text'), leases.length);
}
