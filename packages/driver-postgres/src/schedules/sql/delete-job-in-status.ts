import source from './delete-job-in-status.sql';
import { defineStatement } from '../../sql/statement.js';

/** Deletes a job if it is in one of the statuses. */
export const deleteJobInStatus = defineStatement<[queue: string, id: string, statuses: string[]], { removed: boolean }>('deleteJobInStatus', source);
