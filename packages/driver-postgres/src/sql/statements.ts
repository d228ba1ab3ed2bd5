import ack from './ack.sql';
import cancel from './cancel.sql';
import counts from './counts.sql';
import enqueue from './enqueue.sql';
import extendLeases from './extend-leases.sql';
import fail from './fail.sql';
import findExisting from './find-existing.sql';
import inspect from './inspect.sql';
import jobState from './job-state.sql';
import list from './list.sql';
import promote from './promote.sql';
import purgeStep from './purge-step.sql';
import queues from './queues.sql';
import release from './release.sql';
import remove from './remove.sql';
import requeueDlq from './requeue-dlq.sql';
import reserve from './reserve.sql';
import retry from './retry.sql';
import setPaused from './set-paused.sql';
import setProgress from './set-progress.sql';
import { bindStatement, type Statement } from './statement.js';
import trimFinished from './trim-finished.sql';
import watch from './watch.sql';

const SOURCES = {
  ack,
  cancel,
  counts,
  enqueue,
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
  retry,
  setPaused,
  setProgress,
  trimFinished,
  watch,
};

/** Every statement the driver runs, by operation, bound to one schema. */
export type Statements = { readonly [K in keyof typeof SOURCES]: Statement };

/** Binds every statement to the schema once, when the driver is made. */
export function bindStatements(schema: string): Statements {
  const bound: Record<string, Statement> = {};
  for (const [operation, source] of Object.entries(SOURCES)) bound[operation] = bindStatement(operation, source, schema);
  return bound as Statements;
}
