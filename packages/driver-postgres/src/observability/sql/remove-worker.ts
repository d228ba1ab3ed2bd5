import { defineStatement } from '../../sql/statement.js';
import source from './remove-worker.sql';

/** Deletes one worker entry. */
export const removeWorker = defineStatement<[id: string], { id: string }>('removeWorker', source);
