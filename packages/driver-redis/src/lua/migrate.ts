import type { QueueKeys } from '../keys.js';
import dlqSource from './migrate-dlq-2.lua';
import fieldsSource from './migrate-fields-2.lua';
import idsSource from './migrate-ids-2.lua';
import indexSource from './migrate-index-1.lua';
import levelsSource from './migrate-levels-2.lua';
import { defineScript, type RedisClient, runScript } from './script.js';

export const migrateIndexScript = defineScript('migrate-index', 1, indexSource);
export const migrateDlqScript = defineScript('migrate-dlq', 2, dlqSource);
export const migrateFieldsScript = defineScript('migrate-fields', 2, fieldsSource);
export const migrateLevelsScript = defineScript('migrate-levels', 2, levelsSource);
export const migrateIdsScript = defineScript('migrate-ids', 2, idsSource);

/** Rewrites one queue's version-1 status index as a version-2 id index; returns the members rewritten. */
export async function runMigrateIndex(client: RedisClient, keys: QueueKeys): Promise<number> {
  return Number(await runScript(client, migrateIndexScript, [keys.legacyIndex], [], 'text'));
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

/** The key migrate-fields-2.lua keeps its place in between calls (the last id it rewrote). */
export function fieldsCursorKey(keys: QueueKeys): string {
  return `${keys.base}migrate-v5`;
}

/** Rewrites at most `batch` of one queue's version-4 job hashes in the version-5 shape; true while ids are left. */
export async function runMigrateFieldsStep(client: RedisClient, keys: QueueKeys, batch: number): Promise<boolean> {
  const more = await runScript(client, migrateFieldsScript, [keys.legacyIndex, fieldsCursorKey(keys)], [keys.base, String(batch)], 'text');
  return Number(more) === 1;
}

/** Rewrites all of one queue's version-4 job hashes in the version-5 shape, 1,000 jobs per script, from where an interrupted run stopped. */
export async function runMigrateFields(client: RedisClient, keys: QueueKeys): Promise<void> {
  while (await runMigrateFieldsStep(client, keys, 1000));
}

/** Moves one queue's version-5 no-group priority set into the version-6 level lists, 1,000 jobs per script. */
export async function runMigrateLevels(client: RedisClient, keys: QueueKeys): Promise<void> {
  for (;;) {
    const left = Number(await runScript(client, migrateLevelsScript, [keys.fready(''), keys.plevels], [keys.base], 'text'));
    if (left === 0) return;
  }
}

/** Moves at most `batch` ids of one queue's version-7 id index into the version-8 buckets; true while ids are left. */
export async function runMigrateIdsStep(client: RedisClient, keys: QueueKeys, batch: number): Promise<boolean> {
  return Number(await runScript(client, migrateIdsScript, [keys.legacyIndex, keys.index], [String(batch)], 'text')) > 0;
}

/** Moves all of one queue's version-7 id index into the version-8 buckets, 1,000 ids per script, from where an interrupted run stopped. */
export async function runMigrateIds(client: RedisClient, keys: QueueKeys): Promise<void> {
  while (await runMigrateIdsStep(client, keys, 1000));
}
