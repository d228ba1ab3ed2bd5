import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { RateLimitedError } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import { tracingEnqueueHook, tracingMiddleware } from '../src/index.js';
import { setup } from './support/setup.js';
import { tracing } from './support/tracing.js';

describe('one trace from enqueue to handler', () => {
  it('trace_a_job_enqueued_inside_a_span_runs_on_another_worker_in_the_same_trace', async () => {
    const t = tracing();
    const s = setup();
    const client = s.client({ enqueueHooks: [tracingEnqueueHook()] });
    // The web process has a worker too, on another queue; the job runs on the second one.
    const web = s.worker({ queues: ['web'] });
    web.use(tracingMiddleware({ tracerProvider: t.provider }));
    const mailer = s.worker({ queues: ['mail'] });
    mailer.use(tracingMiddleware({ tracerProvider: t.provider }));
    let activeInHandler: string | undefined;
    mailer.register('email.send', () => {
      activeInHandler = trace.getActiveSpan()?.spanContext().spanId;
    });
    await web.start();
    await mailer.start();

    let jobId = '';
    await t.provider.getTracer('app').startActiveSpan('POST /signup', { kind: SpanKind.SERVER }, async (span) => {
      ({ id: jobId } = await client.enqueue('email.send', { to: 'a@example.com' }, { queue: 'mail' }));
      span.end();
    });
    let completed = false;
    mailer.on('completed', () => {
      completed = true;
    });
    await s.until(() => completed, 'job ran');

    const producer = t.byName('POST /signup');
    const consumer = t.byName('process mail');
    expect(consumer.spanContext().traceId).toBe(producer.spanContext().traceId);
    expect(consumer.parentSpanContext?.spanId).toBe(producer.spanContext().spanId);
    expect(consumer.links).toEqual([]);
    expect(consumer.kind).toBe(SpanKind.CONSUMER);
    expect(consumer.status.code).toBe(SpanStatusCode.OK);
    expect(consumer.instrumentationScope.name).toBe('@taskharbor/otel');
    expect(consumer.attributes).toEqual({
      'messaging.system': 'taskharbor',
      'messaging.destination.name': 'mail',
      'messaging.operation.type': 'process',
      'messaging.operation.name': 'process',
      'messaging.message.id': jobId,
      'taskharbor.job.type': 'email.send',
      'taskharbor.job.attempt': 1,
    });
    // The consumer span is active while the handler runs, so the handler's spans nest under it.
    expect(activeInHandler).toBe(consumer.spanContext().spanId);
    expect(t.spans().filter((span) => span.name === 'process web')).toEqual([]);
  });

  it('trace_continues_through_a_job_that_a_handler_enqueues', async () => {
    const t = tracing();
    const s = setup();
    const client = s.client({ enqueueHooks: [tracingEnqueueHook()] });
    const first = s.worker({ queues: ['orders'] });
    first.use(tracingMiddleware({ tracerProvider: t.provider }));
    first.register('order.place', async () => {
      await client.enqueue('email.send', undefined, { queue: 'mail' });
    });
    const second = s.worker({ queues: ['mail'] });
    second.use(tracingMiddleware({ tracerProvider: t.provider }));
    let done = false;
    second.register('email.send', () => {
      done = true;
    });
    await first.start();
    await second.start();
    await t.provider.getTracer('app').startActiveSpan('POST /orders', async (span) => {
      await client.enqueue('order.place', undefined, { queue: 'orders' });
      span.end();
    });
    await s.until(() => done && t.spans().length === 3, 'both jobs ran');

    const root = t.byName('POST /orders');
    const order = t.byName('process orders');
    const mail = t.byName('process mail');
    expect(new Set(t.spans().map((span) => span.spanContext().traceId))).toEqual(new Set([root.spanContext().traceId]));
    expect(order.parentSpanContext?.spanId).toBe(root.spanContext().spanId);
    expect(mail.parentSpanContext?.spanId).toBe(order.spanContext().spanId);
  });

  it('trace_a_failing_handler_ends_its_span_with_error_and_the_exception_and_the_retry_gets_a_span_of_its_own', async () => {
    const t = tracing();
    const s = setup();
    const client = s.client({ enqueueHooks: [tracingEnqueueHook()] });
    const worker = s.worker();
    worker.use(tracingMiddleware({ tracerProvider: t.provider }));
    let runs = 0;
    worker.register('flaky', () => {
      runs++;
      if (runs === 1) throw new TypeError('smtp refused');
    });
    const failures: string[] = [];
    worker.on('failed', ({ error }) => failures.push(error.message));
    await worker.start();
    await t.provider.getTracer('app').startActiveSpan('request', async (span) => {
      await client.enqueue('flaky', undefined, { maxAttempts: 2 });
      span.end();
    });
    await s.until(() => runs === 1 && t.spans().length === 2 && failures.length === 1, 'first run failed');
    // The error reached the worker unchanged.
    expect(failures).toEqual(['smtp refused']);

    const [failed] = t.spans().filter((span) => span.name === 'process default');
    expect(failed?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'smtp refused' });
    const exception = failed?.events.find((event) => event.name === 'exception');
    expect(exception?.attributes).toMatchObject({ 'exception.type': 'TypeError', 'exception.message': 'smtp refused' });
    expect(failed?.attributes['taskharbor.job.attempt']).toBe(1);

    await s.clock.advance(60 * 60 * 1000);
    await s.until(() => runs === 2 && t.spans().length === 3, 'retry ran');
    const retry = t.spans().filter((span) => span.name === 'process default')[1];
    expect(retry?.attributes['taskharbor.job.attempt']).toBe(2);
    expect(retry?.status.code).toBe(SpanStatusCode.OK);
    // Every run is a child of the same producer span.
    expect(retry?.parentSpanContext?.spanId).toBe(t.byName('request').spanContext().spanId);
  });

  it('trace_a_snoozed_run_is_not_an_error', async () => {
    const t = tracing();
    const s = setup();
    const worker = s.worker();
    worker.use(tracingMiddleware({ tracerProvider: t.provider }));
    let runs = 0;
    worker.register('wait', (_job, ctx) => {
      runs++;
      if (runs === 1) ctx.snooze(1_000);
    });
    let snoozed = false;
    worker.on('snoozed', () => {
      snoozed = true;
    });
    await worker.start();
    await s.client().enqueue('wait', undefined);
    await s.until(() => snoozed && t.spans().length === 1, 'snoozed');
    const [span] = t.spans();
    expect(span?.status.code).toBe(SpanStatusCode.UNSET);
    expect(span?.events).toEqual([]);
  });

  it('trace_a_rate_limited_run_is_not_an_error', async () => {
    const t = tracing();
    const s = setup();
    const worker = s.worker();
    worker.use(tracingMiddleware({ tracerProvider: t.provider }));
    worker.register('call', () => {
      throw new RateLimitedError(5_000);
    });
    let held = false;
    worker.on('rateLimited', () => {
      held = true;
    });
    await worker.start();
    await s.client().enqueue('call', undefined);
    await s.until(() => held && t.spans().length === 1, 'held back');
    expect(t.spans()[0]?.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('trace_a_job_without_meta_runs_in_a_root_span', async () => {
    const t = tracing();
    const s = setup();
    const plain = s.client();
    const worker = s.worker();
    worker.use(tracingMiddleware({ tracerProvider: t.provider }));
    let ran = false;
    worker.register('plain', () => {
      ran = true;
    });
    await worker.start();
    // Enqueued inside a span, but by a client without the hook: nothing travels.
    await t.provider.getTracer('app').startActiveSpan('request', async (span) => {
      await plain.enqueue('plain', undefined);
      span.end();
    });
    await s.until(() => ran && t.spans().length === 2, 'ran');
    const consumer = t.byName('process default');
    expect(consumer.parentSpanContext).toBeUndefined();
    expect(consumer.spanContext().traceId).not.toBe(t.byName('request').spanContext().traceId);
  });
});
