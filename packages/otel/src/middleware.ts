import {
  context,
  defaultTextMapGetter,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type TextMapPropagator,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import { ErrorCode, isTaskHarborError, type JobMap } from '@taskharbor/core';
import type { Middleware } from '@taskharbor/worker';
import {
  ATTR_JOB_ATTEMPT,
  ATTR_JOB_TYPE,
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_MESSAGE_ID,
  ATTR_MESSAGING_OPERATION_NAME,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_SYSTEM,
  MESSAGING_SYSTEM,
} from './attributes.js';
import { pickPropagator } from './propagator.js';

/** The instrumentation scope the spans are recorded under. */
export const TRACER_NAME = '@taskharbor/otel';

export interface TracingMiddlewareOptions {
  /** Where spans are made. Default the global tracer provider. */
  tracerProvider?: TracerProvider;
  /** Reads the context from job.meta. Default: the global propagator if one is registered, else W3C Trace Context. */
  propagator?: TextMapPropagator;
}

/**
 * What a handler throws to end its run snoozed (ctx.snooze) or held back
 * (RateLimitedError): the worker counts no failure for them, so neither
 * does the span.
 */
function notAFailure(error: unknown): boolean {
  return (error instanceof Error && error.name === 'SnoozeSignal') || isTaskHarborError(error, ErrorCode.RateLimited);
}

function endWithError(span: Span, error: unknown): void {
  if (notAFailure(error)) return;
  if (error instanceof Error) {
    span.recordException(error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
  } else {
    span.recordException(String(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: String(error) });
  }
}

/**
 * A worker middleware that runs every job inside a CONSUMER span named
 * `process <queue>`. The span is a child of the context the job's meta
 * carries (what tracingEnqueueHook wrote), so the run is in the enqueuer's
 * trace; without one it starts a trace of its own. The span is active while
 * the handler runs, so the handler's own spans nest under it. A handler
 * that throws ends the span with status ERROR and the exception recorded,
 * and the error goes on to the worker unchanged.
 *
 * @example
 * worker.use(tracingMiddleware());
 */
export function tracingMiddleware<Jobs extends JobMap = JobMap>(options: TracingMiddlewareOptions = {}): Middleware<Jobs> {
  const { tracerProvider, propagator } = options;
  const middleware: Middleware = async (job, _ctx, next) => {
    const tracer = (tracerProvider ?? trace.getTracerProvider()).getTracer(TRACER_NAME);
    const parent = pickPropagator(propagator).extract(ROOT_CONTEXT, job.meta, defaultTextMapGetter);
    const span = tracer.startSpan(
      `process ${job.queue}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          [ATTR_MESSAGING_SYSTEM]: MESSAGING_SYSTEM,
          [ATTR_MESSAGING_DESTINATION_NAME]: job.queue,
          [ATTR_MESSAGING_OPERATION_TYPE]: 'process',
          [ATTR_MESSAGING_OPERATION_NAME]: 'process',
          [ATTR_MESSAGING_MESSAGE_ID]: job.id,
          [ATTR_JOB_TYPE]: job.type,
          [ATTR_JOB_ATTEMPT]: job.attempt,
        },
      },
      parent,
    );
    try {
      await context.with(trace.setSpan(parent, span), next);
      span.setStatus({ code: SpanStatusCode.OK });
    } catch (error) {
      endWithError(span, error);
      throw error;
    } finally {
      span.end();
    }
  };
  // It reads only what every job has, so it fits a worker of any job map.
  return middleware as Middleware<Jobs>;
}
