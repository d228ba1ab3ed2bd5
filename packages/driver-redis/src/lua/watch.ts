import type { JobRecord } from '@taskharbor/core';
import { hashFromPairs, parseJobHash } from '../job-hash.js';
import type { QueueKeys } from '../keys.js';
import { defineScript, type RedisClient, runScript } from './script.js';
import source from './watch-1.lua';

export const watchScript = defineScript('watch', 1, source);

/** Marks the job as watched (its finish is then published) and reads it; undefined when there is no such job. */
export async function runWatch(client: RedisClient, keys: QueueKeys, id: string): Promise<JobRecord | undefined> {
  const reply = await runScript(client, watchScript, [keys.job(id)], [], 'bytes');
  if (!Array.isArray(reply) || reply.length === 0) return undefined;
  return parseJobHash(id, keys.queue, hashFromPairs(reply));
}
