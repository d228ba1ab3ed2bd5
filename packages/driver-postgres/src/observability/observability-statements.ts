import { bindAll, type BoundStatements } from '../sql/statements.js';
import { metrics } from './sql/metrics.js';
import { registerWorker } from './sql/register-worker.js';
import { removeWorker } from './sql/remove-worker.js';
import { workers } from './sql/workers.js';

const DEFINITIONS = {
  metrics,
  registerWorker,
  removeWorker,
  workers,
};

/** Every statement of the observability family, bound to one schema. */
export type ObservabilityStatements = BoundStatements<typeof DEFINITIONS>;

export function bindObservabilityStatements(schema: string): ObservabilityStatements {
  return bindAll(DEFINITIONS, schema);
}
