import type { KeySpace } from '../keys.js';
import source from './register-worker-2.lua';
import { defineScript, type RedisClient, runScript } from './script.js';

export const registerWorkerScript = defineScript('register-worker', 2, source);

/** The most stale worker entries one registerWorker deletes (the next calls take the rest). */
export const MAX_WORKERS_PRUNED = 100;

/** Writes a worker's entry (JSON) live until `expiresAt` and deletes up to MAX_WORKERS_PRUNED entries stale at `now`; answers how many it deleted. */
export async function runRegisterWorker(client: RedisClient, keys: KeySpace, id: string, entry: string, expiresAt: number, now: number): Promise<number> {
  const reply = await runScript(
    client,
    registerWorkerScript,
    [keys.workers, keys.workerExpiries],
    [id, entry, String(expiresAt), String(now), String(MAX_WORKERS_PRUNED)],
    'text',
  );
  return Number(reply);
}
