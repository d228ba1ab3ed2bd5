import type { QueueKeys } from '../keys.js';
import source from './remove-schedule-4.lua';
import { defineScript, type RedisClient, runScript } from './script.js';

export const removeScheduleScript = defineScript('remove-schedule', 4, source);

/** Deletes the queue's schedule `name` and its waiting occurrence; answers the claim token of the record it deleted, or undefined when there was none. */
export async function runRemoveSchedule(client: RedisClient, keys: QueueKeys, name: string): Promise<string | undefined> {
  const reply = (await runScript(
    client,
    removeScheduleScript,
    [keys.schedule(name), keys.ready, keys.scheduled, keys.index],
    [keys.base],
    'text',
  )) as unknown[];
  return reply[0] === 1 ? String(reply[1]) : undefined;
}
