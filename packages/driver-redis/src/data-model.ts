import { RedisDataModelError } from './errors.js';
import { DATA_MODEL_VERSION, type KeySpace } from './keys.js';
import { runMigrateDlq, runMigrateIndex } from './lua/migrate.js';
import type { RedisClient } from './lua/script.js';

/**
 * Makes sure the prefix holds this driver's data-model version: writes it
 * when the prefix is new, migrates a prefix of version 1, 2 or 3, and refuses
 * any other version with RedisDataModelError.
 *
 * Version 1 differs from version 2 in the queue index (`<status>:<id>`
 * members then, `<id>` since); version 2 from version 3 in the dead-letter
 * structure (a list then, a sorted set by failure time); version 3 from
 * version 4 in flow control (priorities, groups and limits keep jobs in
 * keys a version-3 reader would not look at, so such a reader must not
 * meet them). Each queue is migrated by scripts (the dead-letter list 1,000
 * jobs per script), then the version key moves on; a version-3 prefix holds
 * nothing flow control wrote, so it moves on to 4 as it is. Run again after an interruption, it finishes
 * the queues left. Stop workers of the old version first: they would keep
 * writing the old layout.
 */
export async function checkDataModel(client: RedisClient, keys: KeySpace): Promise<void> {
  const key = keys.version;
  const [, stored] = await Promise.all([client.set(key, DATA_MODEL_VERSION, 'NX'), client.get(key)]);
  if (stored === DATA_MODEL_VERSION) return;
  if (stored !== '1' && stored !== '2' && stored !== '3') throw new RedisDataModelError(key, stored, DATA_MODEL_VERSION);
  const queues = stored === '3' ? [] : await client.smembers(keys.queues);
  for (const queue of queues) {
    if (stored === '1') await runMigrateIndex(client, keys.queue(queue));
    await runMigrateDlq(client, keys.queue(queue));
  }
  await client.set(key, DATA_MODEL_VERSION);
}
