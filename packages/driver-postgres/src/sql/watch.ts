import source from './watch.sql';
import { defineStatement } from './statement.js';

/** Marks one job as watched by waitForFinish. */
export const watch = defineStatement<[queue: string, id: string], { status: string }>('watch', source);
