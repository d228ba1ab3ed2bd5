import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterEach } from 'vitest';

// As an application's SDK does: the active context follows async calls, so a span
// started around `await client.enqueue(...)` is still the active one inside the enqueue.
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());

export interface Tracing {
  provider: BasicTracerProvider;
  exporter: InMemorySpanExporter;
  /** The finished spans, in the order they ended. */
  spans(): ReadableSpan[];
  byName(name: string): ReadableSpan;
}

const providers: BasicTracerProvider[] = [];

afterEach(async () => {
  for (const provider of providers.splice(0)) await provider.shutdown();
});

/** A tracer provider of the SDK that keeps every finished span in memory. */
export function tracing(): Tracing {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  providers.push(provider);
  const spans = () => exporter.getFinishedSpans();
  return {
    provider,
    exporter,
    spans,
    byName(name) {
      const found = spans().filter((span) => span.name === name);
      if (found.length !== 1) throw new Error(`expected one span named ${name}, found ${found.length}: ${spans().map((s) => s.name).join(', ')}`);
      return found[0] as ReadableSpan;
    },
  };
}
