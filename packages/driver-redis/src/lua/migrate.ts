import type { QueueKeys } from '../keys.js';
import dlqSource from './migrate-dlq-2.lua';
import indexSource from './migrate-index-1.lua';
import { defineScript, type RedisClient, runScript } from './script.js';

export const migrateIndexScript = defineScript('migrate-index', 1, indexSource);
export const migrateDlqScript = defineScript('migrate-dlq', 2, dlqSource);

/** Rewrites one queue's version-1 status index as a version-2 id index; returns the members rewritten. */
export async function runMigrateIndex(client: RedisClient, keys: QueueKeys): Promise<number> {
  return Number(await runScript(client, migrateIndexScript, [keys.index], [], 'text'));
}

/** The key migrate-dlq-2.lua sets a version-2 dead-letter list aside under while it moves it. */
export function setAsideDlqKey(keys: QueueKeys): string {
  return `${keys.base}dlq-v2`;
}

/** Turns one queue's version-2 dead-letter list into the version-3 sorted set, 1,000 jobs per script. */
export async function runMigrateDlq(client: RedisClient, keys: QueueKeys): Promise<void> {
  for (;;) {
    const left = Number(await runScript(client, migrateDlqScript, [keys.dlq, setAsideDlqKey(keys)], [keys.base], 'text'));
    if (left === 0) return;
  }
}
