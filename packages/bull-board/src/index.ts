/** @taskharbor/bull-board: TaskHarbor queues in Bull Board. */
export { TaskHarborAdapter } from './adapter.js';
export type { TaskHarborAdapterOptions } from './adapter.js';
