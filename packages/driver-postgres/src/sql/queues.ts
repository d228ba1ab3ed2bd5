import source from './queues.sql';
import { defineStatement } from './statement.js';

/** Every known queue. */
export const queues = defineStatement<[], { name: string }>('queues', source);
