import { clipErrorText, type Lease, type ResolvedRetention, type RetryUpdate } from '@taskharbor/core';
import type { QueueKeys } from '../keys.js';
import { msToNano } from '../nano.js';
import { errorEntryArgs } from './error-entry.js';
import source from './retry-6.lua';
import { type LeaseReply, leaseReply } from './lease-reply.js';
import { doneRetentionArgs } from './retention-args.js';
import { defineScript, type RedisClient, runScript } from './script.js';

export const retryScript = defineScript('retry', 6, source);

/**
 * Records a failure and puts the job back, ready (runnable at the caller's
 * `now`) or scheduled. The lease is checked at the script's now. A job
 * with a cancel request keeps the failure record and ends cancelled.
 */
export async function runRetry(
  client: RedisClient,
  keys: QueueKeys,
  lease: Lease,
  update: RetryUpdate,
  now: number,
  scriptNow: string,
  retention: ResolvedRetention,
): Promise<LeaseReply> {
  const runnable = update.runAt === undefined || update.runAt <= now;
  const args = [
    keys.base,
    scriptNow,
    lease.jobId,
    lease.token,
    String(update.attempts),
    update.lastError === undefined ? '0' : '1',
    update.lastError === undefined ? '' : clipErrorText(update.lastError),
    msToNano(update.failedAt),
    runnable ? '1' : '0',
    update.runAt === undefined ? '' : String(update.runAt),
    update.runAt === undefined ? '' : msToNano(update.runAt),
    ...errorEntryArgs(update),
    ...doneRetentionArgs(retention),
  ];
  const keyList = [keys.ready, keys.scheduled, keys.inflight, keys.index, keys.signal, keys.cancelled];
  return leaseReply(await runScript(client, retryScript, keyList, args, 'text'));
}
