import type { QueueKeys } from '../keys.js';
import source from './pause-group-1.lua';
import { defineScript, type RedisClient, runScript } from './script.js';

export const pauseGroupScript = defineScript('pause-group', 1, source);

/** Pauses or resumes one group of a queue (resume wakes waiters). */
export async function runPauseGroup(client: RedisClient, keys: QueueKeys, action: 'pause' | 'resume', group: string): Promise<void> {
  await runScript(client, pauseGroupScript, [keys.flow], [keys.base, action, group], 'text');
}
