import { type AdvanceScheduleRequest, occurrenceJobId } from '@taskharbor/core';
import type { QueueKeys } from '../keys.js';
import { msToNano } from '../nano.js';
import source from './advance-schedule-6.lua';
import { pushJobArgs } from './job-args.js';
import { type LeaseReply, leaseReply } from './lease-reply.js';
import { defineScript, type RedisClient, runScript, type ScriptArg } from './script.js';

export const advanceScheduleScript = defineScript('advance-schedule', 6, source);

/**
 * What advance-schedule-6.lua answered: applied, not applied (the compare
 * failed), no schedule of that name in the queue, occurrences of another
 * queue, or a refused lease (check_lease's reply).
 */
export type AdvanceReply =
  | { code: 'ADVANCED' | 'NOT_ADVANCED' | 'NO_RECORD' | 'BAD_QUEUE' }
  | { code: 'LEASE'; refusal: LeaseReply };

const CODES = new Set(['ADVANCED', 'NOT_ADVANCED', 'NO_RECORD', 'BAD_QUEUE']);

/**
 * Runs a validated advance on the queue `keys` names: the lease's queue
 * when the request has one, else the schedule's. `scriptNow` is the lease
 * check's now (the lease clock).
 */
export async function runAdvanceSchedule(
  client: RedisClient,
  keys: QueueKeys,
  request: AdvanceScheduleRequest,
  scriptNow: string,
): Promise<AdvanceReply> {
  const { lease, now } = request;
  const args: ScriptArg[] = [
    keys.base,
    lease === undefined ? 'repair' : 'held',
    lease?.jobId ?? '',
    lease?.token ?? '',
    scriptNow,
    String(request.version),
    msToNano(request.from),
    occurrenceJobId(request.name, request.from),
    request.occurrences.some((job) => job.queue !== keys.queue) ? '1' : '0',
    request.dropCurrent ? '1' : '0',
    request.nextRunAt === undefined ? '' : msToNano(request.nextRunAt),
    request.nextRunAt === undefined ? '' : occurrenceJobId(request.name, request.nextRunAt),
    request.lastRunAt === undefined ? '' : msToNano(request.lastRunAt),
    String(request.runs),
    msToNano(now),
  ];
  for (const job of request.occurrences) pushJobArgs(args, job, now, 12);
  const reply = (await runScript(
    client,
    advanceScheduleScript,
    [keys.schedule(request.name), keys.ready, keys.scheduled, keys.inflight, keys.index, keys.signal],
    args,
    'text',
  )) as unknown[];
  const code = String(reply[0]);
  if (code === 'LEASE') return { code, refusal: leaseReply(reply[1]) };
  if (CODES.has(code)) return { code } as AdvanceReply;
  throw new Error(`advance of schedule ${request.name}: unexpected reply ${JSON.stringify(reply)}`);
}
