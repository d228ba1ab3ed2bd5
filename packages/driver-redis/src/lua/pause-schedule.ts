import type { QueueKeys } from '../keys.js';
import source from './pause-schedule-1.lua';
import { defineScript, type RedisClient, runScript } from './script.js';

export const pauseScheduleScript = defineScript('pause-schedule', 1, source);

/** Sets or clears the paused flag of the queue's schedule `name`; false when the queue holds no such schedule. */
export async function runPauseSchedule(client: RedisClient, keys: QueueKeys, name: string, paused: boolean): Promise<boolean> {
  const reply = await runScript(client, pauseScheduleScript, [keys.schedule(name)], [paused ? '1' : '0'], 'text');
  return reply === 'OK';
}
