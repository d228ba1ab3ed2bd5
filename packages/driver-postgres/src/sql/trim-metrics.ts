import source from './trim-metrics.sql';
import { defineStatement } from './statement.js';

/** One bounded step of the throughput counts' retention; how many rows it deleted. */
export const trimMetrics = defineStatement<[before: number, step: number], { removed: number }>('trimMetrics', source);
