import { context, defaultTextMapSetter, type TextMapPropagator } from '@opentelemetry/api';
import type { EnqueueHook } from '@taskharbor/core';
import { pickPropagator } from './propagator.js';

export interface TracingEnqueueHookOptions {
  /** Writes the context into meta. Default: the global propagator if one is registered, else W3C Trace Context. */
  propagator?: TextMapPropagator;
}

/**
 * A Client enqueue hook that puts the active trace context into every job's
 * meta (`traceparent`, and `tracestate` when there is one), so the worker's
 * tracingMiddleware continues the trace. Outside any span it adds nothing.
 * It makes no span of its own: the span active at enqueue (an HTTP request's,
 * say) is the parent of the job's runs.
 *
 * @example
 * const client = new Client(driver, { enqueueHooks: [tracingEnqueueHook()] });
 */
export function tracingEnqueueHook(options: TracingEnqueueHookOptions = {}): EnqueueHook {
  const { propagator } = options;
  return (draft) => {
    pickPropagator(propagator).inject(context.active(), draft.meta, defaultTextMapSetter);
  };
}
