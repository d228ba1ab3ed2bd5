import { clipErrorText, type FailUpdate, type Lease } from '@taskharbor/core';
import type { QueueKeys } from '../keys.js';
import { msToNano } from '../nano.js';
import source from './fail-3.lua';
import { type LeaseReply, leaseReply } from './lease-reply.js';
import { defineScript, type RedisClient, runScript } from './script.js';

export const failScript = defineScript('fail', 3, source);

/** Records a failure and dead-letters the job, with the reason and the script's now as its dead-letter time. */
export async function runFail(
  client: RedisClient,
  keys: QueueKeys,
  lease: Lease,
  update: FailUpdate,
  scriptNow: string,
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
  ];
  return leaseReply(await runScript(client, failScript, [keys.inflight, keys.dlq, keys.index], args, 'text'));
}
