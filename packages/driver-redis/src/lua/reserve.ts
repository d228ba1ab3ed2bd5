import type { ReservedJob, ReserveResult, ResolvedRetention } from '@taskharbor/core';
import { hashFromReserveValues, JobField, parseJobHash, RESERVE_FIELDS } from '../job-hash.js';
import type { QueueKeys } from '../keys.js';
import source from './reserve-8.lua';
import { randomText } from '../random-text.js';
import { doneRetentionArgs } from './retention-args.js';
import { defineScript, type RedisClient, runScript } from './script.js';

export const reserveScript = defineScript('reserve', 8, source);

const STATUS_AT = RESERVE_FIELDS.indexOf(JobField.status);
const READY = Buffer.from('ready');

/**
 * The most due scheduled jobs, and the most expired leases, one reserve
 * moves to the ready list. Each move is a few commands inside the script,
 * so this bounds a reserve's time in Redis (a few milliseconds) however
 * large a backlog has grown; the rest moves on the next calls.
 */
export const MAX_MOVES_PER_RESERVE = 1000;

export interface ReserveArgs {
  /** The caller's now: the returned lease expiry and nextDueAt are on its clock. */
  now: number;
  /** The script's now: the caller's as a string, or '' for Redis's TIME. */
  scriptNow: string;
  limit: number;
  leaseMs: number;
  /** Applied to the cancelled set when a reclaim finishes a job with a cancel request. */
  retention: ResolvedRetention;
}

/**
 * Promotes, reclaims and leases up to `limit` jobs in one script. Tokens are
 * a random base made here (Lua has no good randomness) plus the job's
 * position in the call, so every lease gets its own. Times in the result are
 * on the caller's clock: when the script ran on Redis's, nextDueAt keeps its
 * distance from the script's now.
 */
export async function runReserve(client: RedisClient, keys: QueueKeys, args: ReserveArgs): Promise<ReserveResult> {
  const expiresAt = args.now + args.leaseMs;
  const tokenBase = `${randomText(12)}.`;
  const reply = (await runScript(
    client,
    reserveScript,
    [keys.ready, keys.scheduled, keys.inflight, keys.index, keys.signal, keys.paused, keys.cancelled, keys.flow],
    [
      keys.base,
      args.scriptNow,
      String(args.limit),
      String(args.leaseMs),
      tokenBase,
      String(MAX_MOVES_PER_RESERVE),
      ...doneRetentionArgs(args.retention),
    ],
    'bytes',
  )) as unknown[];
  // The stored expiry is on the script's clock (the server's with leaseClock 'server').
  const storedExpiresAt = Number(String(reply[1])) + args.leaseMs;
  const jobs: ReservedJob[] = [];
  for (let i = 2; i + 1 < reply.length; i += 2) {
    const id = String(reply[i]);
    const values = reply[i + 1] as unknown[];
    // What the script leaves out because it is known here (see reserve-8.lua).
    values[STATUS_AT] = READY;
    const token = tokenBase + String(i / 2);
    const job = parseJobHash(id, keys.queue, hashFromReserveValues(values));
    job.status = 'inflight';
    job.lease = { token, expiresAt: storedExpiresAt };
    jobs.push({ job, lease: { jobId: id, queue: keys.queue, token, expiresAt } });
  }
  const nextDue = String(reply[0] ?? '');
  return nextDue === '' ? { jobs } : { jobs, nextDueAt: args.now + (Number(nextDue) - Number(String(reply[1]))) };
}
