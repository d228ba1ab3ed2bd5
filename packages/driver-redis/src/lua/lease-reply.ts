import {
  JobNotFoundError,
  JobNotInFlightError,
  type Lease,
  LeaseExpiredError,
  LeaseMismatchError,
} from '@taskharbor/core';

/**
 * What a lease script answers for one lease (see includes/lease-check.lua):
 * `['OK']`, `['REPEAT']` (a repeated ack or fail: success, nothing changed),
 * or a refusal such as `['EXPIRED', '1893456001000']`.
 */
export type LeaseReply = string[];

const OK: LeaseReply = Object.freeze(['OK']) as LeaseReply;

/** Reads one lease's reply from a text-mode reply. */
export function leaseReply(entry: unknown): LeaseReply {
  if (!Array.isArray(entry)) return [String(entry)];
  // The common answer, shared rather than copied.
  return entry.length === 1 && entry[0] === 'OK' ? OK : entry.map(String);
}

/** Reads a script's per-lease replies from a text-mode reply. */
export function leaseReplies(reply: unknown): LeaseReply[] {
  if (!Array.isArray(reply)) throw new Error(`unexpected reply from a lease script: ${JSON.stringify(reply)}`);
  return reply.map(leaseReply);
}

/**
 * Reads a sparse reply, one that names only the leases not answered OK:
 * (1-based position, reply) pairs. The others, the usual case, are OK.
 */
export function sparseLeaseReplies(reply: unknown, count: number): LeaseReply[] {
  if (!Array.isArray(reply) || reply.length % 2 !== 0) throw new Error(`unexpected reply from a lease script: ${JSON.stringify(reply)}`);
  const replies = new Array<LeaseReply>(count).fill(OK);
  for (let i = 0; i < reply.length; i += 2) {
    const position = Number(reply[i]);
    if (!Number.isInteger(position) || position < 1 || position > count) {
      throw new Error(`unexpected reply from a lease script: position ${String(reply[i])} of ${count}`);
    }
    replies[position - 1] = leaseReply(reply[i + 1]);
  }
  return replies;
}

/** The contract's typed error for a refusal, or undefined when the lease was accepted. */
export function refusalError(reply: LeaseReply, lease: Lease, now: number): Error | undefined {
  const [code, detail] = reply;
  switch (code) {
    case 'OK':
    case 'REPEAT':
      return undefined;
    case 'NOT_FOUND':
      return new JobNotFoundError(lease.queue, lease.jobId);
    case 'NOT_IN_FLIGHT':
      return new JobNotInFlightError(lease.jobId, detail);
    case 'MISMATCH':
      return detail === 'done' || detail === 'dlq'
        ? new LeaseMismatchError(lease.jobId, `the job is ${detail} and was last held under another token`)
        : new LeaseMismatchError(lease.jobId);
    case 'EXPIRED': {
      // The script's own now: the server's when leases follow Redis's clock.
      const expiresAt = detail === undefined || detail === '' ? lease.expiresAt : Number(detail);
      const scriptNow = reply[2];
      return new LeaseExpiredError(lease.jobId, expiresAt, scriptNow === undefined || scriptNow === '' ? now : Number(scriptNow));
    }
    default:
      return new Error(`unexpected reply from a lease script for job ${lease.jobId}: ${JSON.stringify(reply)}`);
  }
}

/** Throws the refusal's typed error, if any. */
export function throwIfRefused(reply: LeaseReply | undefined, lease: Lease, now: number): void {
  if (reply === undefined) throw new Error(`no reply from a lease script for job ${lease.jobId}`);
  const error = refusalError(reply, lease, now);
  if (error !== undefined) throw error;
}

/** The lease ARGV pairs (job id, token) of a batch script. */
export function leasePairs(leases: readonly Lease[]): string[] {
  const pairs: string[] = [];
  for (const lease of leases) pairs.push(lease.jobId, lease.token);
  return pairs;
}
