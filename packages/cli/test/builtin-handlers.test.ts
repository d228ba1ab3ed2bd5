import { UnrecoverableError } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import { builtinHandler, sleepMsFromPayload } from '../src/builtin-handlers.js';

describe('sleepMsFromPayload', () => {
  it.each([
    ['a JSON number', 1500, 1500],
    ['plain milliseconds as a string', '1500', 1500],
    ['a duration string', '1.5s', 1500],
    ['{"ms": …}', { ms: 250 }, 250],
    ['{"duration": "…"}', { duration: '1.5s' }, 1500],
    ['{"duration": "…ms"}', { duration: '2500' }, 2500],
  ])('reads %s', (_form, payload, ms) => {
    expect(sleepMsFromPayload(payload)).toBe(ms);
  });

  it.each([undefined, null, -1, 'soon', {}, { ms: '10' }, [1]])('dead-letters %j with a reason, since a retry cannot help', (payload) => {
    expect(() => sleepMsFromPayload(payload)).toThrow(UnrecoverableError);
    expect(() => sleepMsFromPayload(payload)).toThrow(/sleep: cannot read a duration from the payload/);
  });
});

describe('builtin handlers', () => {
  const job = { id: 'J1', type: 't', queue: 'q', payload: undefined as unknown, attempt: 2, maxAttempts: 3, createdAt: 0, reclaims: 0, snoozes: 0, meta: {} };
  const ctx = { signal: new AbortController().signal } as Parameters<ReturnType<typeof builtinHandler>>[1];

  it('fail throws with the attempt in the message, or the payload message, or unrecoverably', () => {
    const fail = builtinHandler('fail', { echo: () => undefined });
    expect(() => fail(job, ctx)).toThrow('failed on purpose by the built-in fail handler (attempt 2 of 3)');
    expect(() => fail({ ...job, payload: { message: 'card declined' } }, ctx)).toThrow('card declined');
    expect(() => fail({ ...job, payload: { unrecoverable: true } }, ctx)).toThrow(UnrecoverableError);
  });

  it('echo hands the job to the printer', () => {
    const seen: unknown[] = [];
    builtinHandler('echo', { echo: (j) => seen.push(j.payload) })({ ...job, payload: { a: 1 } }, ctx);
    expect(seen).toEqual([{ a: 1 }]);
  });

  it('sleep stops with the signal reason when the job is aborted', async () => {
    const abort = new AbortController();
    const sleeping = builtinHandler('sleep', { echo: () => undefined })({ ...job, payload: 60_000 }, { ...ctx, signal: abort.signal });
    abort.abort(new Error('timed out'));
    await expect(sleeping).rejects.toThrow('timed out');
  });
});
