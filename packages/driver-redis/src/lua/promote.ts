import type { QueueKeys } from '../keys.js';
import { type JobStateReply, jobStateReply } from './job-state-reply.js';
import source from './promote-3.lua';
import { defineScript, type RedisClient, runScript } from './script.js';

export const promoteScript = defineScript('promote', 3, source);

/** Makes a scheduled job ready now, at the ready tail, and wakes waiters. */
export async function runPromote(client: RedisClient, keys: QueueKeys, id: string): Promise<JobStateReply> {
  return jobStateReply(await runScript(client, promoteScript, [keys.ready, keys.scheduled, keys.signal], [keys.base, id], 'text'));
}
