import { ack, ackFlow } from './ack.js';
import { ackRemove } from './ack-remove.js';
import { cancel } from './cancel.js';
import { counts } from './counts.js';
import { enqueue } from './enqueue.js';
import { enqueuePlain } from './enqueue-plain.js';
import { extendLeases } from './extend-leases.js';
import { fail } from './fail.js';
import { findExisting } from './find-existing.js';
import { inspect } from './inspect.js';
import { jobState } from './job-state.js';
import { list } from './list.js';
import { promote } from './promote.js';
import { purgeStep } from './purge-step.js';
import { queues } from './queues.js';
import { release } from './release.js';
import { remove } from './remove.js';
import { requeueDlq } from './requeue-dlq.js';
import { reserve } from './reserve.js';
import { reserveFlow } from './reserve-flow.js';
import { reservePriority } from './reserve-priority.js';
import { retry } from './retry.js';
import { setPaused } from './set-paused.js';
import { setProgress } from './set-progress.js';
import type { LeaseClock } from '../lease-clock.js';
import { bindStatement, type Statement, type StatementDefinition } from './statement.js';
import { trimFinished } from './trim-finished.js';
import { trimMetrics } from './trim-metrics.js';
import { watch } from './watch.js';

const DEFINITIONS = {
  ack,
  ackFlow,
  ackRemove,
  cancel,
  counts,
  enqueue,
  enqueuePlain,
  extendLeases,
  fail,
  findExisting,
  inspect,
  jobState,
  list,
  promote,
  purgeStep,
  queues,
  release,
  remove,
  requeueDlq,
  reserve,
  reserveFlow,
  reservePriority,
  retry,
  setPaused,
  setProgress,
  trimFinished,
  trimMetrics,
  watch,
};

/** A set of statement definitions bound to one schema, by operation, each with its parameter and row types. */
export type BoundStatements<D> = {
  readonly [K in keyof D]: D[K] extends StatementDefinition<infer P, infer R> ? Statement<P, R> : never;
};

/** Every statement of the jobs tables, bound to one schema. */
export type Statements = BoundStatements<typeof DEFINITIONS>;

/** Binds each definition of a set to the schema and lease clock, once, when the driver is made. */
export function bindAll<D extends object>(definitions: D, schema: string, leaseClock: LeaseClock = 'caller'): BoundStatements<D> {
  const bound: Record<string, Statement> = {};
  for (const [key, definition] of Object.entries(definitions)) {
    bound[key] = bindStatement(definition as StatementDefinition<unknown[], unknown>, schema, leaseClock);
  }
  return bound as BoundStatements<D>;
}

/** Binds every statement of the jobs tables to the schema. */
export function bindStatements(schema: string, leaseClock: LeaseClock = 'caller'): Statements {
  return bindAll(DEFINITIONS, schema, leaseClock);
}
