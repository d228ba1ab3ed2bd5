import type { KeySpace } from '../keys.js';
import source from './remove-worker-2.lua';
import { defineScript, type RedisClient, runScript } from './script.js';

export const removeWorkerScript = defineScript('remove-worker', 2, source);

/** Deletes a worker's entry; true when there was one. */
export async function runRemoveWorker(client: RedisClient, keys: KeySpace, id: string): Promise<boolean> {
  return Number(await runScript(client, removeWorkerScript, [keys.workers, keys.workerExpiries], [id], 'text')) === 1;
}
