import type { JobRecord, JobStatus } from '@taskharbor/core';
import { hashFromPairs, parseJobHash } from '../job-hash.js';
import type { QueueKeys } from '../keys.js';
import source from './list-1.lua';
import { defineScript, type RedisClient, runScript } from './script.js';

export const listScript = defineScript('list', 1, source);

export interface ListArgs {
  status?: JobStatus;
  type?: string;
  /** The last id of the previous page. */
  after?: string;
  limit: number;
}

/** One page of jobs in ascending id order, and whether more follow. */
export async function runList(
  client: RedisClient,
  keys: QueueKeys,
  args: ListArgs,
): Promise<{ jobs: JobRecord[]; more: boolean }> {
  const reply = (await runScript(
    client,
    listScript,
    [keys.index],
    [keys.base, args.status ?? '', args.after ?? '', String(args.limit), args.type ?? ''],
    'bytes',
  )) as unknown[];
  const jobs: JobRecord[] = [];
  for (let i = 1; i + 1 < reply.length; i += 2) {
    jobs.push(parseJobHash(String(reply[i]), keys.queue, hashFromPairs(reply[i + 1])));
  }
  return { jobs, more: reply[0] === 1 };
}
