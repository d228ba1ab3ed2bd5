import type { QueueKeys } from '../keys.js';
import { type JobStateReply, jobStateReply } from './job-state-reply.js';
import source from './remove-6.lua';
import { defineScript, type RedisClient, runScript } from './script.js';

export const removeScript = defineScript('remove', 6, source);

/** Deletes a job that is not in flight, with its idempotency mapping and every index entry. */
export async function runRemove(client: RedisClient, keys: QueueKeys, id: string): Promise<JobStateReply> {
  const keyList = [keys.ready, keys.scheduled, keys.done, keys.dlq, keys.cancelled, keys.index];
  return jobStateReply(await runScript(client, removeScript, keyList, [keys.base, id], 'text'));
}
