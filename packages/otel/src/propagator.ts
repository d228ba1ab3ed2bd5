import { propagation, type TextMapPropagator } from '@opentelemetry/api';
import { W3CTraceContext } from './w3c-trace-context.js';

const fallback = new W3CTraceContext();

/**
 * The propagator to use: the one given, else the global one when the
 * application registered any (the API's default no-op names no fields),
 * else this package's W3C Trace Context one. Decided at every call, so an
 * SDK started after the hook or middleware was made is still used.
 */
export function pickPropagator(given: TextMapPropagator | undefined): TextMapPropagator {
  if (given !== undefined) return given;
  return propagation.fields().length > 0 ? propagation : fallback;
}
