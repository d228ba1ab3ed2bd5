import type { ReservedJob } from '@taskharbor/core';
import { hashFromPairs, parseJobHash } from './job-hash.js';

/** One job handed to this process's listener, as lua/includes/handoff.lua framed it. */
export interface HandedJob {
  readonly reserved: ReservedJob;
  /** The enqueuer's now the lease was taken at (its expiry minus leaseMs). */
  readonly leasedAt: number;
}

/**
 * Reads a handoff frame: length-prefixed pieces (4 bytes big-endian, then
 * the bytes): id, token, the lease's now, its expiry (ms), then the job
 * hash's fields and values as HGETALL gave them, status still `ready`.
 */
export function readHandoffFrame(frame: Buffer, queue: string): HandedJob {
  const pieces: Buffer[] = [];
  let at = 0;
  while (at < frame.length) {
    if (at + 4 > frame.length) throw new Error('a handoff frame ends inside a length prefix');
    const length = frame.readUInt32BE(at);
    at += 4;
    if (at + length > frame.length) throw new Error('a handoff frame ends inside a piece');
    pieces.push(frame.subarray(at, at + length));
    at += length;
  }
  if (pieces.length < 4 || pieces.length % 2 !== 0) throw new Error(`a handoff frame has ${pieces.length} pieces`);
  const [idBytes, tokenBytes, leasedAtBytes, expiresAtBytes] = pieces as [Buffer, Buffer, Buffer, Buffer];
  const id = idBytes.toString('utf8');
  const token = tokenBytes.toString('utf8');
  const leasedAt = Number(leasedAtBytes.toString('utf8'));
  const expiresAt = Number(expiresAtBytes.toString('utf8'));
  const job = parseJobHash(id, queue, hashFromPairs(pieces.slice(4)));
  job.status = 'inflight';
  job.lease = { token, expiresAt };
  return { reserved: { job, lease: { jobId: id, queue, token, expiresAt } }, leasedAt };
}
