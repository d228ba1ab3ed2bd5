import { describe, expect, it } from 'vitest';
import { Client, type Driver, MAX_PAYLOAD_BYTES, ValidationError } from '../src/index.js';

// Every case here must be refused before the driver is reached, so the
// driver throws if it is called at all.
const untouchable = new Proxy({} as Driver, {
  get(_target, method) {
    return () => {
      throw new Error(`driver.${String(method)} was called for input that should have been rejected`);
    };
  },
});

const client = new Client(untouchable);

describe('Client validation', () => {
  it.each([
    ['empty_type', () => client.enqueue('', {})],
    ['empty_queue', () => client.enqueue('t', {}, { queue: '' })],
    ['queue_with_braces', () => client.enqueue('t', {}, { queue: 'a{b}' })],
    ['type_with_space', () => client.enqueue('send mail', {})],
    ['negative_run_at', () => client.enqueue('t', {}, { runAt: -1 })],
    ['non_finite_run_at', () => client.enqueue('t', {}, { runAt: Number.POSITIVE_INFINITY })],
    ['invalid_date', () => client.enqueue('t', {}, { runAt: new Date('nope') })],
    ['fractional_run_at', () => client.enqueue('t', {}, { runAt: 1.5 })],
    ['run_at_and_delay_together', () => client.enqueue('t', {}, { runAt: 5, delayMs: 5 })],
    ['negative_delay', () => client.enqueue('t', {}, { delayMs: -1 })],
    ['zero_timeout', () => client.enqueue('t', {}, { timeoutMs: 0 })],
    ['nan_timeout', () => client.enqueue('t', {}, { timeoutMs: Number.NaN })],
    ['zero_max_attempts', () => client.enqueue('t', {}, { maxAttempts: 0 })],
    ['empty_idempotency_key', () => client.enqueue('t', {}, { idempotencyKey: '' })],
    ['bigint_payload', () => client.enqueue('t', { n: 1n })],
    ['payload_over_limit', () => client.enqueue('t', 'x'.repeat(MAX_PAYLOAD_BYTES))],
  ])('%s_is_rejected_before_the_driver', async (_name, call) => {
    await expect(call()).rejects.toBeInstanceOf(ValidationError);
  });

  it('enqueue_many_rejects_all_when_one_entry_is_invalid', async () => {
    await expect(
      client.enqueueMany([
        { type: 'ok', payload: 1 },
        { type: 'bad', payload: 1, options: { queue: 'has space' } },
      ]),
    ).rejects.toBeInstanceOf(ValidationError);
  });

  it('validation_error_names_the_field', async () => {
    await expect(client.enqueue('t', {}, { maxAttempts: 0 })).rejects.toMatchObject({ field: 'maxAttempts', code: 'VALIDATION' });
  });
});
