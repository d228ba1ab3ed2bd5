import { InvalidJobStateError, JobNotFoundError, type JobRef } from '@taskharbor/core';

/** A reply of a script that acts on one job by id: `['OK']` (or another success word), `['NOT_FOUND']`, `['INVALID', status]`. */
export type JobStateReply = string[];

/** Reads a text-mode reply as a JobStateReply. */
export function jobStateReply(reply: unknown): JobStateReply {
  return Array.isArray(reply) ? reply.map(String) : [String(reply)];
}

/**
 * Throws the typed error of a refusal (JobNotFoundError, InvalidJobStateError
 * with the hint), or returns the success word.
 */
export function acceptedOrThrow(reply: JobStateReply, ref: JobRef, operation: string, hint: string): string {
  const [code, status] = reply;
  if (code === 'NOT_FOUND') throw new JobNotFoundError(ref.queue, ref.id);
  if (code === 'INVALID') throw new InvalidJobStateError(ref.id, String(status), operation, hint);
  if (code === undefined) throw new Error(`${operation} of job ${ref.id}: empty reply`);
  return code;
}
