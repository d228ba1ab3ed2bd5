import type { Lease, ResolvedRetention } from '@taskharbor/core';
import type { QueueKeys } from '../keys.js';
import { msToNano } from '../nano.js';
import { type LeaseReply, leaseReply } from './lease-reply.js';
import { doneRetentionArgs } from './retention-args.js';
import { defineScript, type RedisClient, runScript } from './script.js';
import source from './snooze-6.lua';

export const snoozeScript = defineScript('snooze', 6, source);

/** Ends a run without a failure: the job waits until runAt (ready when runAt <= the caller's now), snoozes + 1. */
export async function runSnooze(
  client: RedisClient,
  keys: QueueKeys,
  lease: Lease,
  runAt: number,
  now: number,
  scriptNow: string,
  retention: ResolvedRetention,
): Promise<LeaseReply> {
  const runnable = runAt <= now;
  const args = [
    keys.base,
    scriptNow,
    lease.jobId,
    lease.token,
    runnable ? '1' : '0',
    String(runAt),
    runnable ? '' : msToNano(runAt),
    ...doneRetentionArgs(retention),
  ];
  const keyList = [keys.ready, keys.scheduled, keys.inflight, keys.index, keys.signal, keys.cancelled];
  return leaseReply(await runScript(client, snoozeScript, keyList, args, 'text'));
}
