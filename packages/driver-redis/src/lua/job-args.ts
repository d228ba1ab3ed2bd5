import { isAscii } from 'node:buffer';
import { type NewJobRecord, normalizeMeta } from '@taskharbor/core';
import { createdAtInId } from '../id-time.js';
import { OMITTED_MAX_ATTEMPTS } from '../job-hash.js';
import { msToNano } from '../nano.js';
import type { ScriptArg } from './script.js';

/**
 * How many ARGV values one new job takes (includes/store.lua reads them in
 * this order): 10, 12 with the schedule fields, 14 with priority and group
 * too (flow control), 15 with meta too (observability). A script call uses one
 * count for all its jobs, so the usual enqueue, of jobs no schedule made,
 * sends no empty values for fields they never have (ioredis writes and Redis
 * parses every argument, empty or not).
 */
export type JobStride = 10 | 12 | 14 | 15;

/** A job that needs the flow fields: a priority other than 0, or a group. */
function usesFlow(job: NewJobRecord): boolean {
  return (job.priority !== undefined && job.priority !== 0) || job.group !== undefined;
}

/** A job with meta to store: a non-empty map (an empty one stores nothing). */
function hasMeta(job: NewJobRecord): boolean {
  if (job.meta === undefined) return false;
  for (const _ in job.meta) return true;
  return false;
}

/**
 * The stride a call of these jobs needs: 15 when any has meta, 14 when any
 * has a priority or group, 12 when any has a schedule.
 */
export function jobStride(jobs: readonly NewJobRecord[]): JobStride {
  let stride: JobStride = 10;
  for (const job of jobs) {
    if (hasMeta(job)) return 15;
    if (usesFlow(job)) stride = 14;
    else if (job.schedule !== undefined && stride === 10) stride = 12;
  }
  return stride;
}

/**
 * The payload as a script argument. ASCII bytes (most JSON) go as a string,
 * which UTF-8 writes back byte for byte and which lets ioredis write the
 * whole command as one string; other bytes go as a Buffer over the caller's
 * memory, without copying.
 */
export function payloadArg(payload: Uint8Array): string | Buffer {
  const bytes = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  return isAscii(bytes) ? bytes.toString('latin1') : bytes;
}

/** Appends the `stride` ARGV values of one validated job, in includes/store.lua's order; `now` decides ready or scheduled. */
export function pushJobArgs(args: ScriptArg[], job: NewJobRecord, now: number, stride: JobStride): void {
  const runnable = job.runAt === undefined || job.runAt <= now;
  args.push(
    job.id,
    job.type,
    payloadArg(job.payload),
    runnable ? '1' : '0',
    job.runAt === undefined ? '' : String(job.runAt),
    job.runAt === undefined ? '' : msToNano(job.runAt),
    job.timeoutMs === undefined ? '' : msToNano(job.timeoutMs),
    // The hash leaves created_at_nano out when the id starts with it (data model 7).
    createdAtInId(job.id, job.createdAt) ? '' : msToNano(job.createdAt),
    // The hash leaves max_attempts out at the default (data model 5); readers fill it back in.
    job.maxAttempts === OMITTED_MAX_ATTEMPTS ? '' : String(job.maxAttempts),
    job.idempotencyKey ?? '',
  );
  if (stride >= 12) args.push(job.schedule ?? '', job.scheduledFor === undefined ? '' : msToNano(job.scheduledFor));
  if (stride >= 14) args.push(job.priority === undefined || job.priority === 0 ? '' : String(job.priority), job.group ?? '');
  if (stride === 15) args.push(metaArg(job.meta));
}

/** The meta field's JSON text, keys in the caller's order; '' for none or an empty map. */
function metaArg(meta: Record<string, string> | undefined): string {
  const copy = normalizeMeta(meta);
  return copy === undefined ? '' : JSON.stringify(copy);
}
