import type { Job } from '@taskharbor/core';
import { MemoryDriver } from '@taskharbor/driver-memory';
import { describe, expectTypeOf, it } from 'vitest';
import { type Logger, Worker } from '../src/index.js';

type Jobs = { 'email.send': { to: string }; 'report.build': { month: number } };

describe('types', () => {
  it('register_sees_the_payload_type_of_its_job_type', () => {
    const worker = new Worker<Jobs>(new MemoryDriver());
    worker.register('email.send', async (job) => {
      expectTypeOf(job.payload).toEqualTypeOf<{ to: string }>();
      expectTypeOf(job.type).toEqualTypeOf<'email.send'>();
      return job.payload.to;
    });
    worker.register('report.build', (job) => {
      expectTypeOf(job.payload.month).toBeNumber();
    });
    // @ts-expect-error not a job type of the map
    worker.register('nope', () => {});
    // @ts-expect-error the payload of email.send has no month
    worker.register('email.send', (job) => job.payload.month);
  });

  it('middleware_sees_a_union_narrowed_by_type', () => {
    const worker = new Worker<Jobs>(new MemoryDriver());
    worker.use(async (job, ctx, next) => {
      if (job.type === 'email.send') expectTypeOf(job.payload).toEqualTypeOf<{ to: string }>();
      expectTypeOf(ctx.signal).toEqualTypeOf<AbortSignal>();
      expectTypeOf(ctx.progress).toEqualTypeOf<(value: unknown) => Promise<void>>();
      await next();
    });
  });

  it('untyped_worker_takes_any_type_with_an_unknown_payload', () => {
    const worker = new Worker(new MemoryDriver());
    worker.register('anything', (job) => {
      expectTypeOf(job).toMatchTypeOf<Job<unknown>>();
    });
  });

  it('pino_and_console_fit_the_logger_interface', () => {
    // The shape of pino's LogFn, copied as a type: its overloads must fit.
    interface PinoLogFn {
      <T extends object>(obj: T, msg?: string, ...args: unknown[]): void;
      (obj: unknown, msg?: string, ...args: unknown[]): void;
      (msg: string, ...args: unknown[]): void;
    }
    interface PinoLike {
      debug: PinoLogFn;
      info: PinoLogFn;
      warn: PinoLogFn;
      error: PinoLogFn;
      level: string;
    }
    expectTypeOf<PinoLike>().toMatchTypeOf<Logger>();
    expectTypeOf<Console>().toMatchTypeOf<Logger>();
  });

  it('event_payloads_are_typed', () => {
    const worker = new Worker<Jobs>(new MemoryDriver());
    worker.on('dead', (event) => {
      expectTypeOf(event.reason).toBeString();
    });
    worker.on('cancelled', (event) => {
      expectTypeOf(event.durationMs).toBeNumber();
      expectTypeOf(event.job).toEqualTypeOf<Job<unknown>>();
    });
    worker.on('progress', (event) => {
      expectTypeOf(event.progress).toBeUnknown();
    });
    // @ts-expect-error not an event
    worker.on('finished', () => {});
  });
});
