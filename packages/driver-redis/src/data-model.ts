import { RedisDataModelError } from './errors.js';
import { DATA_MODEL_VERSION, type KeySpace } from './keys.js';
import { runMigrateDlq, runMigrateFields, runMigrateIds, runMigrateIndex, runMigrateLevels } from './lua/migrate.js';
import type { RedisClient } from './lua/script.js';

/** The data-model versions this driver migrates from. */
const OLDER_VERSIONS = ['1', '2', '3', '4', '5', '6', '7'];

/**
 * Makes sure the prefix holds this driver's data-model version: writes it
 * when the prefix is new, migrates a prefix of version 1 to 7, and refuses
 * any other version with RedisDataModelError.
 *
 * Version 1 differs from version 2 in the queue index (`<status>:<id>`
 * members then, `<id>` since); version 2 from version 3 in the dead-letter
 * structure (a list then, a sorted set by failure time); version 3 from
 * version 4 in flow control (priorities, groups and limits keep jobs in
 * keys a version-3 reader would not look at, so such a reader must not
 * meet them; a version-3 prefix holds nothing flow control wrote, so that
 * step changes nothing); version 4 from version 5 in the job hash (no queue
 * field, max_attempts left out at the default); version 5 from version 6 in
 * where ready jobs without a group at a priority other than 0 wait (one
 * sorted set then, one list per priority level since; a prefix of version 3
 * or older holds no such job, so it needs no level move); version 6 from
 * version 7 in created_at_nano, which a hash now leaves out when its id
 * starts with it (a version-6 reader would refuse such a hash; the hashes of
 * a version-6 prefix all have the field, which version 7 reads as before, so
 * that step only moves the version key); version 7 from version 8 in the id
 * index (one sorted set then, buckets by range since, which a version-7
 * reader would not find). Each queue is
 * migrated by scripts (the dead-letter list, the job hashes, the
 * priority set and the id index 1,000 jobs per script), then the version key moves on. Run
 * again after an interruption, it finishes the queues left, each from where
 * it stopped. Stop workers of the old version first: they would keep
 * writing the old layout.
 */
export async function checkDataModel(client: RedisClient, keys: KeySpace): Promise<void> {
  const key = keys.version;
  const [, stored] = await Promise.all([client.set(key, DATA_MODEL_VERSION, 'NX'), client.get(key)]);
  if (stored === DATA_MODEL_VERSION) return;
  if (stored === null || !OLDER_VERSIONS.includes(stored)) throw new RedisDataModelError(key, stored, DATA_MODEL_VERSION);
  const from = Number(stored);
  const queues = await client.smembers(keys.queues);
  for (const queue of queues) {
    const queueKeys = keys.queue(queue);
    if (from === 1) await runMigrateIndex(client, queueKeys);
    if (from <= 2) await runMigrateDlq(client, queueKeys);
    if (from <= 4) await runMigrateFields(client, queueKeys);
    if (from === 4 || from === 5) await runMigrateLevels(client, queueKeys);
    await runMigrateIds(client, queueKeys);
  }
  await client.set(key, DATA_MODEL_VERSION);
}
