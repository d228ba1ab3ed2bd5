import { InvalidLeaseDurationError, ValidationError } from '@taskharbor/core';
import { MemoryDriver } from '@taskharbor/driver-memory';
import { describe, expect, it } from 'vitest';
import { Worker, type WorkerOptions } from '../src/index.js';

function build(options: WorkerOptions): Worker {
  return new Worker(new MemoryDriver(), { keepAlive: false, ...options });
}

describe('options', () => {
  it('invalid_options_are_rejected_with_an_error_naming_the_option', () => {
    const cases: [WorkerOptions, string][] = [
      [{ concurrency: 0 }, 'concurrency'],
      [{ concurrency: 1.5 }, 'concurrency'],
      [{ concurrency: 10_001 }, 'concurrency'],
      [{ leaseMs: 1000, heartbeatMs: 1000 }, 'heartbeatMs'],
      [{ pollIntervalMs: 0 }, 'pollIntervalMs'],
      [{ shutdownGraceMs: -1 }, 'shutdownGraceMs'],
      [{ maxReclaims: -1 }, 'maxReclaims'],
      [{ defaultMaxAttempts: 0 }, 'defaultMaxAttempts'],
      [{ queues: [] }, 'queues'],
      [{ queues: ['a', 'a'] }, 'queues'],
      [{ queues: ['has space'] }, 'queues'],
      [{ queues: [{ name: 'a', weight: 2 }] }, 'queues'],
      [{ queues: [{ name: 'a', weight: 0 }], queueOrder: 'weighted' }, 'queues'],
      [{ onMissingHandler: 'ignore' as 'fail' }, 'onMissingHandler'],
      [{ scheduleCheckMs: -1 }, 'scheduleCheckMs'],
      [{ scheduleCheckMs: 1.5 }, 'scheduleCheckMs'],
    ];
    for (const [options, field] of cases) {
      let thrown: unknown;
      try {
        build(options);
      } catch (error) {
        thrown = error;
      }
      expect(thrown, JSON.stringify(options)).toBeInstanceOf(ValidationError);
      expect((thrown as ValidationError).field).toBe(field);
    }
    expect(() => build({ leaseMs: 0 })).toThrow(InvalidLeaseDurationError);
  });

  it('handler_for_a_type_can_be_registered_only_once', () => {
    const worker = build({});
    worker.register('a', () => {});
    expect(() => worker.register('a', () => {})).toThrow(/already registered/);
    expect(() => worker.register('', () => {})).toThrow(ValidationError);
  });

  it('console_fits_the_logger_option', () => {
    expect(() => build({ logger: console })).not.toThrow();
  });
});
