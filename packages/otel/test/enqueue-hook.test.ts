import { context, propagation, ROOT_CONTEXT, type TextMapPropagator, trace } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import type { EnqueueDraft } from '@taskharbor/core';
import { afterEach, describe, expect, it } from 'vitest';
import { tracingEnqueueHook } from '../src/index.js';
import { tracing } from './support/tracing.js';

function draft(meta: Record<string, string> = {}): EnqueueDraft {
  return { type: 'email.send', queue: 'mail', meta };
}

afterEach(() => propagation.disable());

describe('tracingEnqueueHook', () => {
  it('hook_puts_the_active_span_into_meta_as_a_traceparent', () => {
    const { provider } = tracing();
    const hook = tracingEnqueueHook();
    const job = draft({ tenant: 'acme' });
    provider.getTracer('test').startActiveSpan('request', (span) => {
      hook(job);
      const { traceId, spanId } = span.spanContext();
      expect(job.meta).toEqual({ tenant: 'acme', traceparent: `00-${traceId}-${spanId}-01` });
      span.end();
    });
  });

  it('hook_adds_nothing_outside_a_span', () => {
    const job = draft();
    context.with(ROOT_CONTEXT, () => tracingEnqueueHook()(job));
    expect(job.meta).toEqual({});
  });

  it('hook_uses_the_global_propagator_when_the_application_registered_one', () => {
    const { provider } = tracing();
    propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }));
    const job = draft();
    const withBaggage = propagation.setBaggage(context.active(), propagation.createBaggage({ user: { value: '42' } }));
    context.with(withBaggage, () => {
      provider.getTracer('test').startActiveSpan('request', (span) => {
        tracingEnqueueHook()(job);
        span.end();
      });
    });
    expect(job.meta.baggage).toBe('user=42');
    expect(job.meta.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });

  it('hook_uses_the_propagator_it_is_given', () => {
    const { provider } = tracing();
    const job = draft();
    const only: TextMapPropagator = {
      inject: (_ctx, carrier, setter) => setter.set(carrier, 'x-trace', 'given'),
      extract: (ctx) => ctx,
      fields: () => ['x-trace'],
    };
    provider.getTracer('test').startActiveSpan('request', (span) => {
      tracingEnqueueHook({ propagator: only })(job);
      span.end();
    });
    expect(job.meta).toEqual({ 'x-trace': 'given' });
    expect(trace.getActiveSpan()).toBeUndefined();
  });
});
