import { BULK_STEP_SIZE, type PurgeOptions } from '@taskharbor/core';
import type { QueueKeys } from '../keys.js';
import source from './purge-2.lua';
import groupSource from './purge-group-ready-2.lua';
import levelSource from './purge-level-ready-2.lua';
import { defineScript, type RedisClient, runScript } from './script.js';
import { type BulkStep, runBulkSteps, type StepGuard } from './bulk-steps.js';

export const purgeScript = defineScript('purge', 2, source);
export const purgeGroupReadyScript = defineScript('purge-group-ready', 2, groupSource);
export const purgeLevelReadyScript = defineScript('purge-level-ready', 2, levelSource);

/** The structure of each status purge may empty, and how the age filter reads a job's time there. */
function target(keys: QueueKeys, status: PurgeOptions['status']): { key: string; kind: 'list' | 'zset'; ageBy: 'score' | 'created' } {
  switch (status) {
    case 'ready':
      return { key: keys.ready, kind: 'list', ageBy: 'created' };
    case 'scheduled':
      return { key: keys.scheduled, kind: 'zset', ageBy: 'created' };
    case 'done':
      return { key: keys.done, kind: 'zset', ageBy: 'score' };
    case 'dlq':
      return { key: keys.dlq, kind: 'zset', ageBy: 'score' };
    case 'cancelled':
      return { key: keys.cancelled, kind: 'zset', ageBy: 'score' };
  }
}

/**
 * Removes matching jobs of one status in steps of at most BULK_STEP_SIZE
 * jobs per script (see purge-2.lua), until the limit or the end of the
 * structure, each step sent through `guard` (the driver's write: its
 * timeout and unknown-outcome rule apply to each script, not to the whole
 * run); returns how many it removed.
 */
export async function runPurge(client: RedisClient, keys: QueueKeys, options: PurgeOptions, guard: StepGuard): Promise<number> {
  const { key, kind, ageBy } = target(keys, options.status);
  const cutoff = options.olderThanMs === undefined ? '' : String((options.now as number) - options.olderThanMs);
  const step: BulkStep = async (position, most) =>
    guard(() =>
    runScript(
      client,
      purgeScript,
      [key, keys.index],
      [keys.base, kind, options.type ?? '', cutoff, ageBy, String(position), String(most), String(BULK_STEP_SIZE)],
      'text',
    ));
  const removed = await runBulkSteps(step, options.limit);
  if (options.status !== 'ready') return removed;
  const left = options.limit === undefined ? undefined : options.limit - removed;
  return removed + (await purgeReadyParts(client, keys, options, cutoff, guard, left));
}

/** A script that purges one ready structure of many (a priority level's list, a group's set), keyed by its name. */
interface ReadyPart {
  script: typeof purgeLevelReadyScript;
  key: (name: string) => string;
}

/**
 * Ready jobs without a group at a priority other than 0 wait in one list
 * per level, and ready jobs of a group on the flow path in one sorted set
 * per group (includes/flow.lua); each is purged in the same bounded steps.
 */
async function purgeReadyParts(
  client: RedisClient,
  keys: QueueKeys,
  options: PurgeOptions,
  cutoff: string,
  guard: StepGuard,
  limit: number | undefined,
): Promise<number> {
  const parts: [ReadyPart, string[]][] = [
    [{ script: purgeLevelReadyScript, key: (level) => keys.pready(level) }, await client.zrange(keys.plevels, 0, -1)],
    [{ script: purgeGroupReadyScript, key: (group) => keys.fready(group) }, await client.smembers(keys.fgroups)],
  ];
  let total = 0;
  for (const [{ script, key }, names] of parts) {
    for (const name of names) {
      const left = limit === undefined ? undefined : limit - total;
      if (left !== undefined && left <= 0) return total;
      const step: BulkStep = async (position, most) =>
        guard(() =>
          runScript(
            client,
            script,
            [key(name), keys.index],
            [keys.base, name, options.type ?? '', cutoff, String(position), String(most), String(BULK_STEP_SIZE)],
            'text',
          ),
        );
      total += await runBulkSteps(step, left);
    }
  }
  return total;
}
