import source from './remove.sql';
import { defineStatement } from './statement.js';

/** Deletes one job that is not in flight. */
export const remove = defineStatement<[queue: string, id: string], { status: string | null; removed: boolean }>('remove', source);
