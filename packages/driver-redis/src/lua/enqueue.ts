import { isAscii } from 'node:buffer';
import type { EnqueueResult, NewJobRecord } from '@taskharbor/core';
import type { QueueKeys } from '../keys.js';
import { msToNano } from '../nano.js';
import source from './enqueue-4.lua';
import { defineScript, type RedisClient, runScript, type ScriptArg } from './script.js';

export const enqueueScript = defineScript('enqueue', 4, source);

/**
 * The payload as a script argument. ASCII bytes (most JSON) go as a string,
 * which UTF-8 writes back byte for byte and which lets ioredis write the
 * whole command as one string; other bytes go as a Buffer over the caller's
 * memory, without copying.
 */
function payloadArg(payload: Uint8Array): string | Buffer {
  const bytes = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  return isAscii(bytes) ? bytes.toString('latin1') : bytes;
}

/** Appends the ten ARGV values of one job, in enqueue-4.lua's order. */
function pushJobArgs(args: ScriptArg[], job: NewJobRecord, now: number): void {
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
  );
}

/**
 * Stores validated jobs of one queue in one atomic step; answers in the same
 * order. `nows[i]` is the caller's now for jobs[i] (gathered single enqueues
 * each bring their own).
 */
export async function runEnqueue(
  client: RedisClient,
  keys: QueueKeys,
  jobs: readonly NewJobRecord[],
  nows: readonly number[],
): Promise<EnqueueResult[]> {
  const args: ScriptArg[] = [keys.base, keys.queue];
  jobs.forEach((job, i) => {
    pushJobArgs(args, job, nows[i] as number);
  });
  const reply = (await runScript(client, enqueueScript, [keys.ready, keys.scheduled, keys.index, keys.signal], args, 'text')) as (
    | string
    | number
  )[];
  const results: EnqueueResult[] = jobs.map((job) => ({ id: job.id, existed: false }));
  for (let i = 0; i < reply.length; i += 2) {
    results[Number(reply[i]) - 1] = { id: String(reply[i + 1]), existed: true };
  }
  return results;
}
