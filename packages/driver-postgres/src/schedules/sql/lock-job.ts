import type { JobStatus } from '@taskharbor/core';
import type { LeaseStateRow } from '../../lease-check.js';
import source from './lock-job.sql';
import { defineStatement } from '../../sql/statement.js';

/** A job's status and lease, its row locked until the transaction ends, and the now a lease check goes by. */
export const lockJob = defineStatement<[queue: string, id: string, now: number], LeaseStateRow & { status: JobStatus; decided_at: string }>(
  'lockJob',
  source,
  { now: 3 },
);
