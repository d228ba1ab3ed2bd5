import { occurrenceJobId, type PutScheduleRequest, type PutScheduleResult } from '@taskharbor/core';
import { hashFromPairs } from '../job-hash.js';
import type { QueueKeys } from '../keys.js';
import { msToNano } from '../nano.js';
import { parseScheduleHash, specPairs } from '../schedules/schedule-hash.js';
import { pushJobArgs } from './job-args.js';
import source from './put-schedule-5.lua';
import { defineScript, type RedisClient, runScript, type ScriptArg } from './script.js';

export const putScheduleScript = defineScript('put-schedule', 5, source);

/** Writes a validated put into the schedule's queue (the name is claimed already, under `claim`); answers the record as stored. */
export async function runPutSchedule(client: RedisClient, keys: QueueKeys, request: PutScheduleRequest, claim: string): Promise<PutScheduleResult> {
  const { schedule: spec, nextRunAt, occurrence, now } = request;
  const pairs = specPairs(spec);
  const args: ScriptArg[] = [
    keys.base,
    spec.revision,
    claim,
    msToNano(now),
    nextRunAt === undefined ? '' : msToNano(nextRunAt),
    nextRunAt === undefined ? '' : occurrenceJobId(spec.name, nextRunAt),
    String(pairs.length / 2),
    ...pairs,
  ];
  if (occurrence !== undefined) pushJobArgs(args, occurrence, now, 12);
  const reply = (await runScript(
    client,
    putScheduleScript,
    [keys.schedule(spec.name), keys.ready, keys.scheduled, keys.index, keys.signal],
    args,
    'bytes',
  )) as unknown[];
  const status = String(reply[0]);
  if (status !== 'created' && status !== 'replaced' && status !== 'unchanged') {
    throw new Error(`put of schedule ${spec.name}: unexpected reply ${status}`);
  }
  return { status, schedule: parseScheduleHash(hashFromPairs(reply[1])) };
}
