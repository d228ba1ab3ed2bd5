import { clipErrorText, type FailUpdate, type Lease, type ResolvedRetention } from '@taskharbor/core';
import type { QueueKeys } from '../keys.js';
import { msToNano } from '../nano.js';
import { errorEntryArgs } from './error-entry.js';
import source from './fail-4.lua';
import { type LeaseReply, leaseReply } from './lease-reply.js';
import { deadRetentionArgs, doneRetentionArgs } from './retention-args.js';
import { defineScript, type RedisClient, runScript } from './script.js';

export const failScript = defineScript('fail', 4, source);

/**
 * Records a failure and dead-letters the job, with the reason and the
 * script's now as its dead-letter time, then applies the dead retention; a
 * job with a cancel request ends cancelled instead.
 */
export async function runFail(
  client: RedisClient,
  keys: QueueKeys,
  lease: Lease,
  update: FailUpdate,
  scriptNow: string,
  retention: ResolvedRetention,
): Promise<LeaseReply> {
  const args = [
    keys.base,
    scriptNow,
    lease.jobId,
    lease.token,
    String(update.attempts),
    update.lastError === undefined ? '0' : '1',
    update.lastError === undefined ? '' : clipErrorText(update.lastError),
    msToNano(update.failedAt),
    clipErrorText(update.reason),
    ...errorEntryArgs(update),
    ...doneRetentionArgs(retention),
    ...deadRetentionArgs(retention),
  ];
  const keyList = [keys.inflight, keys.dlq, keys.index, keys.cancelled];
  return leaseReply(await runScript(client, failScript, keyList, args, 'text'));
}
