import source from './promote.sql';
import { defineStatement } from './statement.js';

/** Makes one scheduled job ready. */
export const promote = defineStatement<[queue: string, id: string], { status: string | null; promoted: boolean }>('promote', source);
