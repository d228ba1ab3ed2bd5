import type { JobStatus } from '@taskharbor/core';
import type { LeaseStateRow } from '../../lease-check.js';
import source from './lock-job.sql';
import { defineStatement } from '../../sql/statement.js';

/** A job's status and lease, its row locked until the transaction ends. */
export const lockJob = defineStatement<[queue: string, id: string], LeaseStateRow & { status: JobStatus }>('lockJob', source);
