import type { QueueKeys } from '../keys.js';
import source from './resume-2.lua';
import { defineScript, type RedisClient, runScript } from './script.js';

export const resumeScript = defineScript('resume', 2, source);

/** Removes the queue's paused flag and leaves a wake-up token, in one step. */
export async function runResume(client: RedisClient, keys: QueueKeys): Promise<void> {
  await runScript(client, resumeScript, [keys.paused, keys.signal], [], 'text');
}
