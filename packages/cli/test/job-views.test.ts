import type { JobRecord } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import { countsJson, countsTable } from '../src/commands/counts-view.js';
import { createColours } from '../src/output/colour.js';
import { jobToJson } from '../src/output/json.js';
import { jobFields, jobTable } from '../src/output/job-views.js';

const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);
const plain = createColours(false);
const bytes = (text: string) => new TextEncoder().encode(text);

function record(fields: Partial<JobRecord>): JobRecord {
  return {
    id: '01M8A45A0F69V8S3DQN2DMM91Q',
    type: 'report.build',
    queue: 'default',
    payload: bytes('{"month":"2026-10"}'),
    createdAt: NOW - 60_000,
    maxAttempts: 3,
    status: 'ready',
    attempts: 0,
    reclaims: 0,
    ...fields,
  };
}

/** The value of one inspect field, continuation lines included. */
function field(lines: readonly string[], label: string): string {
  const start = lines.findIndex((line) => line.startsWith(`${label} `));
  if (start === -1) throw new Error(`no field ${label} in:\n${lines.join('\n')}`);
  const indent = (lines[start] as string).length - (lines[start] as string).slice(label.length).trimStart().length;
  const value = [(lines[start] as string).slice(indent)];
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith(' '.repeat(indent))) break;
    value.push(line.slice(indent));
  }
  return value.join('\n');
}

describe('inspect: result, progress, error history and cancel fields', () => {
  const errors = [
    { attempt: 1, message: 'Error: card declined\n    at charge (billing.js:10:5)', at: NOW - 30_000 },
    { attempt: 2, message: '', at: NOW - 20_000 },
  ];

  it('shows a done job result decoded as JSON, its progress, and each failure on a line', () => {
    const done = record({ status: 'done', finishedAt: NOW - 5000, result: bytes('{"rows":42}'), progress: { step: 3, of: 3 }, attempts: 2, errors });
    const lines = jobFields(done, NOW, plain, { verbose: false });
    expect(field(lines, 'result')).toBe('{"rows":42}  (11 bytes)');
    expect(field(lines, 'progress')).toBe('{"step":3,"of":3}');
    expect(field(lines, 'errors')).toBe(
      [
        'attempt 1  2026-11-25T11:59:30.000Z (30s ago)  Error: card declined',
        'attempt 2  2026-11-25T11:59:40.000Z (20s ago)  (no message)',
      ].join('\n'),
    );
    expect(lines.some((line) => line.startsWith('cancel'))).toBe(false);
    const verbose = jobFields(done, NOW, plain, { verbose: true });
    expect(field(verbose, 'errors')).toContain('Error: card declined\n    at charge (billing.js:10:5)');
  });

  it('shows bytes that are not JSON as a byte summary, and (none) for a done job without a result', () => {
    const binary = record({ status: 'done', finishedAt: NOW, result: new Uint8Array([0xff, 0x00, 0x10]) });
    expect(field(jobFields(binary, NOW, plain, { verbose: false }), 'result')).toBe('(not JSON) ff 00 10  (3 bytes)');
    const none = record({ status: 'done', finishedAt: NOW });
    expect(field(jobFields(none, NOW, plain, { verbose: false }), 'result')).toBe('(none)');
    const ready = jobFields(record({}), NOW, plain, { verbose: false });
    expect(ready.some((line) => line.startsWith('result') || line.startsWith('progress'))).toBe(false);
    expect(field(ready, 'errors')).toBe('-');
  });

  it('shows a cancel request on a running job and the time and reason of a cancelled one', () => {
    const running = record({
      status: 'inflight',
      lease: { token: 't1', expiresAt: NOW + 20_000 },
      cancelRequestedAt: NOW - 2000,
      cancelReason: 'sent by mistake',
    });
    const lines = jobFields(running, NOW, plain, { verbose: false });
    expect(field(lines, 'status')).toBe('inflight (cancel requested: its worker aborts the run, then the job is cancelled)');
    expect(field(lines, 'cancel requested')).toBe('2026-11-25T11:59:58.000Z (2s ago)');
    expect(field(lines, 'cancel reason')).toBe('sent by mistake');
    expect(jobTable([running], NOW, plain)[1]).toContain('cancel requested 2s ago');

    const cancelled = record({ status: 'cancelled', cancelledAt: NOW - 1000, lease: { token: 't1' } });
    const done = jobFields(cancelled, NOW, plain, { verbose: false });
    expect(field(done, 'status')).toBe('cancelled');
    expect(field(done, 'cancelled at')).toBe('2026-11-25T11:59:59.000Z (1s ago)');
    expect(field(done, 'cancel reason')).toBe('-');
    expect(done.some((line) => line.startsWith('cancel requested') || line.startsWith('lease'))).toBe(false);
    expect(jobTable([cancelled], NOW, plain)[1]).toMatch(/cancelled +0\/3 +1m ago +cancelled 1s ago/);
  });

  it('keeps N of M with N never over M for a requeued job as the driver stores it', () => {
    // A dead letter that used 3 of 3 runs, requeued without a reset: the driver raises maxAttempts to 4.
    const requeued = record({ status: 'ready', attempts: 3, maxAttempts: 4, errors });
    expect(field(jobFields(requeued, NOW, plain, { verbose: false }), 'attempts')).toBe('3 of 4 (failures recorded of runs allowed)');
    expect(jobTable([requeued], NOW, plain)[1]).toMatch(/ready +3\/4 /);
  });
});

describe('inspect --json and list --json: the new fields', () => {
  it('decodes the result with the payload, keeps errors and progress, and the cancel fields in their statuses', () => {
    const done = record({ status: 'done', finishedAt: NOW, result: bytes('[1,2]'), progress: 0.5, errors: [{ attempt: 1, message: 'boom', at: NOW }] });
    expect(jobToJson(done, { values: true })).toMatchObject({
      result: [1, 2],
      resultBytes: 5,
      progress: 0.5,
      errors: [{ attempt: 1, message: 'boom', at: NOW }],
      payload: { month: '2026-10' },
    });
    const listed = jobToJson(done, { values: false });
    expect(listed).toMatchObject({ resultBytes: 5 });
    expect(listed).not.toHaveProperty('result');
    expect(listed).not.toHaveProperty('payload');

    const binary = jobToJson(record({ status: 'done', finishedAt: NOW, result: new Uint8Array([0xff]) }), { values: true });
    expect(binary).toMatchObject({ resultBase64: '/w==', resultBytes: 1 });
    expect(binary).not.toHaveProperty('result');

    const ready = jobToJson(record({}), { values: true });
    expect(ready).toMatchObject({ errors: null, progress: null });
    for (const key of ['result', 'resultBytes', 'cancelledAt', 'cancelRequestedAt', 'cancelReason']) expect(ready).not.toHaveProperty(key);

    const cancelled = jobToJson(record({ status: 'cancelled', cancelledAt: NOW, cancelReason: 'duplicate' }), { values: false });
    expect(cancelled).toMatchObject({ cancelledAt: NOW, cancelReason: 'duplicate', cancelRequestedAt: null });
    const cancelling = jobToJson(record({ status: 'inflight', lease: { token: 't', expiresAt: NOW }, cancelRequestedAt: NOW }), { values: false });
    expect(cancelling).toMatchObject({ cancelRequestedAt: NOW, cancelReason: null });
    expect(cancelling).not.toHaveProperty('cancelledAt');
  });
});

describe('counts: cancelled and paused', () => {
  const counts = { ready: 4, scheduled: 0, inflight: 1, done: 9, dlq: 2, cancelled: 3 };

  it('adds a PAUSED column when the driver reports the flag, and none when it does not', () => {
    expect(
      countsTable(
        [
          { queue: 'default', counts: { ...counts, paused: true } },
          { queue: 'emails', counts: { ...counts, cancelled: 0, paused: false } },
        ],
        plain,
      ),
    ).toEqual([
      'QUEUE    READY  SCHEDULED  INFLIGHT  DONE  DLQ  CANCELLED  PAUSED',
      'default      4          0         1     9    2          3  yes',
      'emails       4          0         1     9    2          0  no',
    ]);
    expect(countsTable([{ queue: 'default', counts }], plain)[0]).toBe('QUEUE    READY  SCHEDULED  INFLIGHT  DONE  DLQ  CANCELLED');
  });

  it('reads a count an older driver leaves out as 0 and passes paused through', () => {
    const older = { ready: 1, scheduled: 0, inflight: 0, done: 0, dlq: 0 } as unknown as typeof counts;
    expect(countsJson([{ queue: 'a', counts: older }])).toEqual([{ queue: 'a', counts: { ...older, cancelled: 0 } }]);
    expect(countsTable([{ queue: 'a', counts: older }], plain)[1]).toBe('a          1          0         0     0    0          0');
    expect(countsJson([{ queue: 'b', counts: { ...counts, paused: false } }])).toEqual([{ queue: 'b', counts: { ...counts, paused: false } }]);
  });
});
