import {
  type Context,
  createTraceState,
  isSpanContextValid,
  type SpanContext,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
  trace,
  TraceFlags,
} from '@opentelemetry/api';

export const TRACEPARENT = 'traceparent';
export const TRACESTATE = 'tracestate';

/** version-traceid-parentid-flags, lowercase hex; later versions may add fields after another dash. */
const TRACEPARENT_FORMAT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Reads a traceparent header (W3C Trace Context level 1); undefined when it is malformed or all zeros. */
export function parseTraceparent(header: string): SpanContext | undefined {
  const match = TRACEPARENT_FORMAT.exec(header.trim());
  if (match === null) return undefined;
  const [, version, traceId, spanId, flags, rest] = match as unknown as [string, string, string, string, string, string | undefined];
  // Version ff is forbidden; version 00 has exactly four fields.
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  const context: SpanContext = { traceId, spanId, traceFlags: Number.parseInt(flags, 16) & TraceFlags.SAMPLED, isRemote: true };
  return isSpanContextValid(context) ? context : undefined;
}

/** The traceparent header of a span context. */
export function formatTraceparent(context: SpanContext): string {
  const flags = (context.traceFlags & 0xff).toString(16).padStart(2, '0');
  return `00-${context.traceId}-${context.spanId}-${flags}`;
}

/**
 * The W3C Trace Context propagator this package falls back on when the
 * application registered none: it writes and reads `traceparent` and
 * `tracestate` only (no baggage).
 */
export class W3CTraceContext implements TextMapPropagator {
  inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    const span = trace.getSpanContext(context);
    if (span === undefined || !isSpanContextValid(span)) return;
    setter.set(carrier, TRACEPARENT, formatTraceparent(span));
    const state = span.traceState?.serialize();
    if (state !== undefined && state.length > 0) setter.set(carrier, TRACESTATE, state);
  }

  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    const header = first(getter.get(carrier, TRACEPARENT));
    if (header === undefined) return context;
    const span = parseTraceparent(header);
    if (span === undefined) return context;
    const state = getter.get(carrier, TRACESTATE);
    const joined = Array.isArray(state) ? state.join(',') : state;
    if (joined !== undefined && joined.length > 0) span.traceState = createTraceState(joined);
    return trace.setSpanContext(context, span);
  }

  fields(): string[] {
    return [TRACEPARENT, TRACESTATE];
  }
}
