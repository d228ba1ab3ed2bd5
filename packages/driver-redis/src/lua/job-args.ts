import { isAscii } from 'node:buffer';
import type { NewJobRecord } from '@taskharbor/core';
import { msToNano } from '../nano.js';
import type { ScriptArg } from './script.js';

/** How many ARGV values one new job takes (includes/store.lua reads them in this order). */
export const JOB_VALUES = 12;

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

/** Appends the JOB_VALUES ARGV values of one validated job, in includes/store.lua's order; `now` decides ready or scheduled. */
export function pushJobArgs(args: ScriptArg[], job: NewJobRecord, now: number): void {
  const runnable = job.runAt === undefined || job.runAt <= now;
  args.push(
    job.id,
    job.type,
    payloadArg(job.payload),
    runnable ? '1' : '0',
    job.runAt === undefined ? '' : String(job.runAt),
    job.runAt === undefined ? '' : msToNano(job.runAt),
    job.timeoutMs === undefined ? '' : msToNano(job.timeoutMs),
    msToNano(job.createdAt),
    String(job.maxAttempts),
    job.idempotencyKey ?? '',
    job.schedule ?? '',
    job.scheduledFor === undefined ? '' : msToNano(job.scheduledFor),
  );
}
