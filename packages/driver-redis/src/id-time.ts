import { jobIdTime } from '@taskharbor/core';

/**
 * Since data model 7 a job hash leaves `created_at_nano` out when the job's
 * id starts with its creation time as core's `newJobId` writes it (10
 * characters of Crockford's base 32, the milliseconds; `jobIdTime` reads
 * them), and readers take the time from the id (32 bytes less per waiting
 * job: docs/redis.md, "Data-model versions"). Any other id (a caller's own
 * `jobId`, a schedule's occurrence, an id made at another millisecond)
 * keeps the field. lua/includes/id-time.lua reads ids the same way.
 */
export function createdAtInId(id: string, createdAt: number): boolean {
  return jobIdTime(id) === createdAt;
}
