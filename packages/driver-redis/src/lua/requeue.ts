import type { RequeueOptions } from '@taskharbor/core';
import type { QueueKeys } from '../keys.js';
import { msToNano } from '../nano.js';
import source from './requeue-5.lua';
import { defineScript, type RedisClient, runScript } from './script.js';

export const requeueScript = defineScript('requeue', 5, source);

/** `['OK']`, `['NOT_FOUND']` or `['NOT_DLQ', status]`. */
export type RequeueReply = string[];

/**
 * Moves a dead-lettered job back to the ready tail, or to scheduled when
 * runAt is after now; without resetAttempts it gets one more run (see
 * includes/revive.lua).
 */
export async function runRequeue(
  client: RedisClient,
  keys: QueueKeys,
  id: string,
  options: RequeueOptions,
): Promise<RequeueReply> {
  const runnable = options.runAt === undefined || options.runAt <= options.now;
  const args = [
    keys.base,
    id,
    options.resetAttempts === true ? '1' : '0',
    runnable ? '1' : '0',
    options.runAt === undefined ? '' : String(options.runAt),
    options.runAt === undefined ? '' : msToNano(options.runAt),
  ];
  const keyList = [keys.ready, keys.scheduled, keys.dlq, keys.index, keys.signal];
  const reply = await runScript(client, requeueScript, keyList, args, 'text');
  return Array.isArray(reply) ? reply.map(String) : [String(reply)];
}
