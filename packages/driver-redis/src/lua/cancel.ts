import { type CancelOptions, clipErrorText, type ResolvedRetention } from '@taskharbor/core';
import type { QueueKeys } from '../keys.js';
import source from './cancel-4.lua';
import { type JobStateReply, jobStateReply } from './job-state-reply.js';
import { doneRetentionArgs } from './retention-args.js';
import { defineScript, type RedisClient, runScript } from './script.js';

export const cancelScript = defineScript('cancel', 4, source);

/** Cancels a waiting job at once, or records and publishes a cancel request for a running one: `['CANCELLED']`, `['CANCELLING']` or a refusal. */
export async function runCancel(
  client: RedisClient,
  keys: QueueKeys,
  id: string,
  options: CancelOptions,
  retention: ResolvedRetention,
): Promise<JobStateReply> {
  const args = [
    keys.base,
    String(options.now),
    options.reason === undefined ? '0' : '1',
    options.reason === undefined ? '' : clipErrorText(options.reason),
    ...doneRetentionArgs(retention),
    id,
  ];
  const keyList = [keys.ready, keys.scheduled, keys.cancelled, keys.index];
  return jobStateReply(await runScript(client, cancelScript, keyList, args, 'text'));
}
