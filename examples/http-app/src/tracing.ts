/**
 * OpenTelemetry for both processes. The server's client carries each
 * request's trace context into its jobs (tracingEnqueueHook) and the worker
 * runs each job in a span of that trace (tracingMiddleware); both are always
 * wired. With OTEL_TRACES_EXPORTER=console the spans are printed as they
 * end; without it no SDK is started and the API's no-op tracer costs nothing.
 * A real deployment would send them to a collector (OTLP) instead.
 */
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, ConsoleSpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

/** Starts the SDK when asked to; returns what flushes and stops it (nothing to do otherwise). */
export function startTracing(serviceName: string): () => Promise<void> {
  if (process.env.OTEL_TRACES_EXPORTER !== 'console') return async () => {};
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    spanProcessors: [new SimpleSpanProcessor(new ConsoleSpanExporter())],
  });
  // The active span follows async calls, so the one a request starts is still active inside client.enqueue.
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  return () => provider.shutdown();
}
