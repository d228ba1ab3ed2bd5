import { describe, expect, it } from 'vitest';
import {
  Client,
  type Driver,
  type EnqueueHook,
  jsonCodec,
  MAX_META_BYTES,
  MAX_META_ENTRIES,
  MAX_META_KEY_LENGTH,
  METRICS_BUCKET_MS,
  METRICS_RETENTION_MS,
  metricsMinute,
  metricsMinutes,
  metricsSeries,
  type NewJobRecord,
  normalizeMeta,
  toJob,
  UnsupportedOperationError,
  ValidationError,
  validateMeta,
  validateMetricsRequest,
} from '../src/index.js';

const T = Date.UTC(2030, 0, 1);
const MINUTE = METRICS_BUCKET_MS;

/** A driver that records what reaches it; `families` as given. */
function recordingDriver(families: readonly string[]): { driver: Driver; stored: NewJobRecord[][] } {
  const stored: NewJobRecord[][] = [];
  const driver = {
    families,
    enqueue: async (job: NewJobRecord) => {
      stored.push([job]);
      return { id: job.id, existed: false };
    },
    enqueueMany: async (jobs: readonly NewJobRecord[]) => {
      stored.push([...jobs]);
      return jobs.map((job) => ({ id: job.id, existed: false }));
    },
  } as unknown as Driver;
  return { driver, stored };
}

function metaError(meta: unknown): ValidationError {
  try {
    validateMeta(meta);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  return expect.fail(`expected ${JSON.stringify(meta)?.slice(0, 80)} to be refused`);
}

describe('validateMeta', () => {
  it('accepts an empty map, the allowed key characters and exactly the limits', () => {
    expect(() => validateMeta({})).not.toThrow();
    expect(() => validateMeta({ 'a0.B_c:d-e': '', '9': 'x', traceparent: '00-ab' })).not.toThrow();
    const full: Record<string, string> = {};
    for (let i = 0; i < MAX_META_ENTRIES; i++) full[`k${i}`] = 'v';
    expect(() => validateMeta(full)).not.toThrow();
    expect(() => validateMeta({ ['k'.repeat(MAX_META_KEY_LENGTH)]: 'v' })).not.toThrow();
    // {"k":"…"} is 8 bytes around the value.
    expect(() => validateMeta({ k: 'x'.repeat(MAX_META_BYTES - 8) })).not.toThrow();
    expect(() => validateMeta({ k: '\u{1F600}' })).not.toThrow();
  });

  it('refuses one entry too many', () => {
    const many: Record<string, string> = {};
    for (let i = 0; i <= MAX_META_ENTRIES; i++) many[`k${i}`] = 'v';
    expect(metaError(many).field).toBe('meta');
  });

  it.each([
    ['empty', ''],
    ['leading_dot', '.a'],
    ['leading_dash', '-a'],
    ['leading_underscore', '_a'],
    ['space', 'a b'],
    ['slash', 'a/b'],
    ['non_ascii', 'caf\u00e9'],
    ['too_long', 'k'.repeat(MAX_META_KEY_LENGTH + 1)],
  ])('refuses_a_key_%s', (_name, key) => {
    expect(metaError({ [key]: 'v' }).field).toBe(`meta.${key}`);
  });

  it.each([
    ['number', 1],
    ['null', null],
    ['object', { nested: 'x' }],
    ['undefined', undefined],
  ])('refuses_a_%s_value', (_name, value) => {
    expect(metaError({ k: value }).field).toBe('meta.k');
  });

  it('refuses a lone surrogate in a value, high or low, and accepts a pair', () => {
    expect(metaError({ k: 'a\uD83D' }).field).toBe('meta.k');
    expect(metaError({ k: '\uDE00a' }).field).toBe('meta.k');
    expect(metaError({ k: '\uDE00\uD83D' }).field).toBe('meta.k');
    expect(() => validateMeta({ k: '\uD83D\uDE00' })).not.toThrow();
  });

  it('refuses more than MAX_META_BYTES of JSON, counting UTF-8 bytes and escapes', () => {
    expect(metaError({ k: 'x'.repeat(MAX_META_BYTES - 7) }).field).toBe('meta');
    // Two bytes each in UTF-8: half as many characters already go over.
    expect(metaError({ k: '\u00e9'.repeat(MAX_META_BYTES / 2) }).field).toBe('meta');
    // A quote is escaped to two characters in JSON.
    expect(metaError({ k: '"'.repeat(MAX_META_BYTES / 2) }).field).toBe('meta');
  });

  it.each([
    ['null', null],
    ['array', ['v']],
    ['string', 'traceparent'],
    ['map', new Map([['k', 'v']])],
    ['date', new Date(T)],
    ['class_instance', new (class Headers {})()],
    ['null_prototype', Object.create(null)],
  ])('refuses_a_%s_as_meta', (_name, meta) => {
    expect(metaError(meta).field).toBe('meta');
  });

  it('names the field it was given', () => {
    try {
      validateMeta(7, 'options.meta');
    } catch (error) {
      expect((error as ValidationError).field).toBe('options.meta');
      return;
    }
    expect.fail('expected a ValidationError');
  });
});

describe('normalizeMeta', () => {
  it('turns an empty map into undefined and copies the rest in the same key order', () => {
    expect(normalizeMeta(undefined)).toBeUndefined();
    expect(normalizeMeta({})).toBeUndefined();
    const meta = { b: '1', a: '2' };
    const copy = normalizeMeta(meta);
    expect(copy).toEqual(meta);
    expect(Object.keys(copy ?? {})).toEqual(['b', 'a']);
    meta.a = 'changed';
    expect(copy?.a).toBe('2');
  });
});

describe('Client meta and enqueue hooks', () => {
  it('sends the meta option to a driver with observability, a copy, and leaves out an empty one', async () => {
    const { driver, stored } = recordingDriver(['observability']);
    const client = new Client(driver);
    const meta = { traceparent: 'tp' };
    await client.enqueue('t', {}, { meta });
    await client.enqueue('t', {}, { meta: {} });
    await client.enqueue('t', {});
    expect(stored.map(([job]) => job?.meta)).toEqual([{ traceparent: 'tp' }, undefined, undefined]);
    expect(stored[0]?.[0]?.meta).not.toBe(meta);
    // No `meta: undefined` key either: the record has no meta at all.
    expect(stored.map(([job]) => job !== undefined && 'meta' in job)).toEqual([true, false, false]);
  });

  it('runs the hooks in order on every job of enqueue and enqueueMany', async () => {
    const { driver, stored } = recordingDriver(['observability']);
    const seen: string[] = [];
    const hooks: EnqueueHook[] = [
      (draft) => {
        seen.push(`first ${draft.type} ${draft.queue} ${JSON.stringify(draft.meta)}`);
        draft.meta.traceparent = `tp-${draft.type}`;
        draft.meta.order = 'first';
      },
      (draft) => {
        seen.push(`second ${draft.meta.order}`);
        draft.meta.order = 'second';
        delete draft.meta.drop;
      },
    ];
    const client = new Client(driver, { enqueueHooks: hooks, defaultQueue: 'qq' });
    await client.enqueue('one', {}, { meta: { drop: 'x', keep: 'y' } });
    await client.enqueueMany([
      { type: 'two', payload: {} },
      { type: 'three', payload: {}, options: { queue: 'other' } },
    ]);
    expect(seen).toEqual([
      'first one qq {"drop":"x","keep":"y"}',
      'second first',
      'first two qq {}',
      'second first',
      'first three other {}',
      'second first',
    ]);
    expect(stored.map((jobs) => jobs.map((job) => job.meta))).toEqual([
      [{ keep: 'y', traceparent: 'tp-one', order: 'second' }],
      [
        { traceparent: 'tp-two', order: 'second' },
        { traceparent: 'tp-three', order: 'second' },
      ],
    ]);
  });

  it('a hook works on a copy: the caller’s meta object is not changed', async () => {
    const { driver } = recordingDriver(['observability']);
    const client = new Client(driver, { enqueueHooks: [(draft) => {
        draft.meta.added = '1';
      }] });
    const meta = { own: 'x' };
    await client.enqueue('t', {}, { meta });
    expect(meta).toEqual({ own: 'x' });
  });

  it('a hook that throws fails the enqueue and nothing reaches the driver', async () => {
    const { driver, stored } = recordingDriver(['observability']);
    let calls = 0;
    const client = new Client(driver, {
      enqueueHooks: [
        (draft) => {
          calls++;
          if (draft.type === 'bad') throw new Error('hook failed');
        },
      ],
    });
    await expect(client.enqueue('bad', {})).rejects.toThrow('hook failed');
    await expect(
      client.enqueueMany([
        { type: 'good', payload: {} },
        { type: 'bad', payload: {} },
      ]),
    ).rejects.toThrow('hook failed');
    expect(calls).toBe(3);
    expect(stored).toEqual([]);
  });

  it('meta a hook makes invalid is refused with nothing stored', async () => {
    const { driver, stored } = recordingDriver(['observability']);
    const client = new Client(driver, { enqueueHooks: [(draft) => {
        draft.meta['bad key'] = 'v';
      }] });
    const error = await client.enqueue('t', {}).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('meta.bad key');
    expect(stored).toEqual([]);
  });

  it('refuses a bad meta option before any hook runs', async () => {
    const { driver, stored } = recordingDriver(['observability']);
    let calls = 0;
    const client = new Client(driver, { enqueueHooks: [() => {
        calls++;
      }] });
    await expect(client.enqueue('t', {}, { meta: { k: 1 as never } })).rejects.toBeInstanceOf(ValidationError);
    expect(calls).toBe(0);
    expect(stored).toEqual([]);
  });

  it('a driver without observability refuses non-empty meta but takes an empty one', async () => {
    const { driver, stored } = recordingDriver(['flowControl']);
    const client = new Client(driver);
    await expect(client.enqueue('t', {}, { meta: { traceparent: 'tp' } })).rejects.toBeInstanceOf(UnsupportedOperationError);
    await expect(client.enqueueMany([{ type: 't', payload: {}, options: { meta: { a: 'b' } } }])).rejects.toBeInstanceOf(
      UnsupportedOperationError,
    );
    const hooked = new Client(driver, { enqueueHooks: [(draft) => {
        draft.meta.traceparent = 'tp';
      }] });
    await expect(hooked.enqueue('t', {})).rejects.toBeInstanceOf(UnsupportedOperationError);
    expect(stored).toEqual([]);
    await client.enqueue('t', {}, { meta: {} });
    await new Client(driver, { enqueueHooks: [() => undefined] }).enqueue('t', {});
    expect(stored.map(([job]) => job?.meta)).toEqual([undefined, undefined]);
  });

  it('refuses hooks that are not functions', () => {
    const { driver } = recordingDriver([]);
    expect(() => new Client(driver, { enqueueHooks: ['nope' as never] })).toThrow(ValidationError);
  });
});

describe('toJob', () => {
  it('gives the handler the meta as a frozen copy, or a frozen empty map when there is none', () => {
    const record = {
      id: 'a',
      type: 't',
      queue: 'q',
      payload: new TextEncoder().encode('{}'),
      createdAt: T,
      maxAttempts: 3,
      status: 'inflight' as const,
      attempts: 0,
      reclaims: 0,
    };
    const meta = { traceparent: 'tp' };
    const job = toJob({ ...record, meta }, jsonCodec);
    expect(job.meta).toEqual({ traceparent: 'tp' });
    expect(Object.isFrozen(job.meta)).toBe(true);
    meta.traceparent = 'changed';
    expect(job.meta.traceparent).toBe('tp');
    const bare = toJob(record, jsonCodec);
    expect(bare.meta).toEqual({});
    expect(Object.isFrozen(bare.meta)).toBe(true);
  });
});

describe('metrics minutes and series', () => {
  it('metricsMinute rounds down to the start of the minute', () => {
    expect(metricsMinute(T)).toBe(T);
    expect(metricsMinute(T + 59_999)).toBe(T);
    expect(metricsMinute(T + 60_000)).toBe(T + MINUTE);
    expect(metricsMinute(0)).toBe(0);
  });

  it('metricsMinutes covers whole minutes from the minute of from up to, not including, to', () => {
    expect(metricsMinutes({ from: T, to: T + 1 })).toEqual([T]);
    expect(metricsMinutes({ from: T, to: T + MINUTE })).toEqual([T]);
    expect(metricsMinutes({ from: T + 30_000, to: T + MINUTE + 1 })).toEqual([T, T + MINUTE]);
    expect(metricsMinutes({ from: T + 59_999, to: T + 2 * MINUTE })).toEqual([T, T + MINUTE]);
    expect(metricsMinutes({ from: T, to: T + METRICS_RETENTION_MS })).toHaveLength(METRICS_RETENTION_MS / MINUTE);
  });

  it('metricsSeries fills the counts found and zeros elsewhere, ignoring counts outside the range', () => {
    const counts = new Map([
      [T - MINUTE, { completed: 9, failed: 9, dead: 9 }],
      [T + MINUTE, { completed: 3, failed: 2, dead: 1 }],
      [T + 3 * MINUTE, { completed: 9, failed: 0, dead: 0 }],
    ]);
    expect(metricsSeries({ from: T + 1, to: T + 3 * MINUTE }, counts)).toEqual([
      { minute: T, completed: 0, failed: 0, dead: 0 },
      { minute: T + MINUTE, completed: 3, failed: 2, dead: 1 },
      { minute: T + 2 * MINUTE, completed: 0, failed: 0, dead: 0 },
    ]);
  });

  it('validateMetricsRequest takes a range of up to the retention and refuses others', () => {
    expect(() => validateMetricsRequest('q', { from: T, to: T + METRICS_RETENTION_MS })).not.toThrow();
    const field = (queue: unknown, range: unknown): string | undefined => {
      try {
        validateMetricsRequest(queue, range as never);
      } catch (error) {
        return (error as ValidationError).field;
      }
      return undefined;
    };
    expect(field('q', { from: T, to: T + METRICS_RETENTION_MS + 1 })).toBe('to');
    expect(field('q', { from: T, to: T })).toBe('to');
    expect(field('q', { from: 1.5, to: T })).toBe('from');
    expect(field('q', null)).toBe('range');
    expect(field('', { from: T, to: T + 1 })).toBe('queue');
  });
});
