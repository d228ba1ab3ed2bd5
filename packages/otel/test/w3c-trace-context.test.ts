import { createTraceState, defaultTextMapGetter, defaultTextMapSetter, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { describe, expect, it } from 'vitest';
import { W3CTraceContext } from '../src/index.js';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const SPAN_ID = 'b7ad6b7169203331';

function extract(meta: Record<string, string>) {
  return trace.getSpanContext(new W3CTraceContext().extract(ROOT_CONTEXT, meta, defaultTextMapGetter));
}

describe('built-in W3C trace context propagator', () => {
  it('w3c_writes_traceparent_and_tracestate_as_the_sdk_propagator_does', () => {
    const span = { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: TraceFlags.SAMPLED, traceState: createTraceState('vendor=a,other=b') };
    const ctx = trace.setSpanContext(ROOT_CONTEXT, span);
    const ours: Record<string, string> = {};
    const sdk: Record<string, string> = {};
    new W3CTraceContext().inject(ctx, ours, defaultTextMapSetter);
    new W3CTraceContextPropagator().inject(ctx, sdk, defaultTextMapSetter);
    expect(ours).toEqual({ traceparent: `00-${TRACE_ID}-${SPAN_ID}-01`, tracestate: 'vendor=a,other=b' });
    expect(ours).toEqual(sdk);
  });

  it('w3c_reads_back_what_it_wrote_as_a_remote_context', () => {
    const read = extract({ traceparent: `00-${TRACE_ID}-${SPAN_ID}-00`, tracestate: 'vendor=a' });
    expect(read).toMatchObject({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: TraceFlags.NONE, isRemote: true });
    expect(read?.traceState?.get('vendor')).toBe('a');
  });

  it('w3c_ignores_malformed_or_forbidden_traceparents', () => {
    for (const traceparent of [
      `00-${'0'.repeat(32)}-${SPAN_ID}-01`,
      `00-${TRACE_ID}-${'0'.repeat(16)}-01`,
      `ff-${TRACE_ID}-${SPAN_ID}-01`,
      `00-${TRACE_ID.toUpperCase()}-${SPAN_ID}-01`,
      `00-${TRACE_ID}-${SPAN_ID}-01-extra`,
      `00-${TRACE_ID}-${SPAN_ID}`,
      'garbage',
    ]) {
      expect(extract({ traceparent }), traceparent).toBeUndefined();
    }
  });

  it('w3c_accepts_a_later_version_with_more_fields', () => {
    expect(extract({ traceparent: `01-${TRACE_ID}-${SPAN_ID}-01-what-comes-next` })?.spanId).toBe(SPAN_ID);
  });

  it('w3c_writes_nothing_without_a_valid_span_context', () => {
    const meta: Record<string, string> = {};
    new W3CTraceContext().inject(ROOT_CONTEXT, meta, defaultTextMapSetter);
    expect(meta).toEqual({});
  });
});
