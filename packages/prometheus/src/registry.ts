import { ValidationError } from '@taskharbor/core';
import type { Metric, Registry, RegistryContentType } from 'prom-client';

/** A prom-client registry of either content type (Prometheus text or OpenMetrics). */
export type AnyRegistry = Registry<RegistryContentType>;

/**
 * Throws a ValidationError when the registry already holds a metric by one
 * of these names, before anything is registered.
 */
export function assertNamesFree(registry: AnyRegistry, names: readonly string[]): void {
  for (const name of names) {
    if (registry.getSingleMetric(name) !== undefined) {
      throw new ValidationError(
        'registry',
        `it already holds a metric named ${name}; unregister the earlier one or use another registry`,
      );
    }
  }
}

/** A metric and the name it was made with. */
export type NamedMetric = readonly [name: string, metric: Metric];

/**
 * Registers the metrics (all or none: the names are checked first) and
 * returns a function that removes exactly these metrics again. Names are
 * passed beside the metrics because an OpenMetrics registry renames its
 * counters while it scrapes, while it keeps them under the first name.
 */
export function registerOwn(registry: AnyRegistry, metrics: readonly NamedMetric[]): () => void {
  assertNamesFree(
    registry,
    metrics.map(([name]) => name),
  );
  for (const [, metric] of metrics) registry.registerMetric(metric);
  let registered = true;
  return () => {
    if (!registered) return;
    registered = false;
    for (const [name, metric] of metrics) {
      // Only ours: a metric registered later under the same name stays.
      if (registry.getSingleMetric(name) === metric) registry.removeSingleMetric(name);
    }
  };
}
