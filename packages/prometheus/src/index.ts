export type { CollectedMetrics, CollectMetricsOptions } from './collect-metrics.js';
export { collectMetrics, DEFAULT_CACHE_MS, DEFAULT_COLLECT_TIMEOUT_MS, DEFAULT_QUEUE_LIST_MS } from './collect-metrics.js';
export type { InstrumentedWorker, InstrumentWorkerOptions } from './instrument-worker.js';
export { instrumentWorker } from './instrument-worker.js';
export { METRIC_NAMES } from './names.js';
export type { AnyRegistry } from './registry.js';
export { OTHER_TYPE } from './type-labels.js';
export { DEFAULT_DURATION_BUCKETS, DEFAULT_MAX_TYPES } from './worker-metrics.js';
