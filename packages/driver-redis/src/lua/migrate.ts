import type { QueueKeys } from '../keys.js';
import source from './migrate-index-1.lua';
import { defineScript, type RedisClient, runScript } from './script.js';

export const migrateIndexScript = defineScript('migrate-index', 1, source);

/** Rewrites one queue's version-1 status index as a version-2 id index; returns the members rewritten. */
export async function runMigrateIndex(client: RedisClient, keys: QueueKeys): Promise<number> {
  return Number(await runScript(client, migrateIndexScript, [keys.index], [], 'text'));
}
