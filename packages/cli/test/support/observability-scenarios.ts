import type { Client, Lease, Observability, WorkerInfo } from '@taskharbor/core';
import { expect, it } from 'vitest';
import type { AdminDriver } from '../../src/driver-from-flags.js';
import type { HarnessRun } from './harness.js';

/** A store the commands run against, and a driver on the same store to check what they did. */
export interface ObservabilityStore {
  run(...argv: string[]): Promise<HarnessRun>;
  driver: AdminDriver & Observability;
  client: Client;
}

function parse(result: HarnessRun): Record<string, unknown> {
  if (result.code !== 0) throw new Error(`exit ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

const MINUTE = 60_000;

function workerInfo(id: string, overrides: Partial<WorkerInfo> = {}): WorkerInfo {
  return {
    id,
    host: 'web-1.internal',
    pid: 4242,
    queues: ['emails', 'reports'],
    concurrency: 10,
    running: 3,
    startedAt: Date.now() - 5 * MINUTE,
    version: '0.1.0',
    ...overrides,
  };
}

/** Reserves one job of the queue and ends its run with `end` (an ack, retry or fail at a time of the test's choosing). */
async function runOne(store: ObservabilityStore, queue: string, end: (lease: Lease) => Promise<void>): Promise<void> {
  await store.client.enqueue('work', {}, { queue });
  const { jobs } = await store.driver.reserve({ queue, limit: 1, leaseMs: 10 * MINUTE, now: Date.now() });
  const lease = jobs[0]?.lease;
  if (lease === undefined) throw new Error(`nothing to reserve in ${queue}`);
  await end(lease);
}

/**
 * The observability commands end to end, written once and run against every
 * store (in this process on the memory driver, the built binary on Redis).
 * Each case works in queues and workers of its own.
 */
export function observabilityScenarios(store: () => ObservabilityStore): void {
  it('workers lists live workers as a table and as JSON, and leaves out expired ones', async () => {
    const { run, driver } = store();
    const prefix = `w-${Date.now().toString(36)}`;
    const now = Date.now();
    const a = workerInfo(`${prefix}-a`);
    await driver.registerWorker(a, { now, ttlMs: MINUTE });
    await driver.registerWorker(workerInfo(`${prefix}-b`, { host: 'batch-2', pid: 7, queues: ['reports'], concurrency: 2, running: 0, startedAt: now - MINUTE }), {
      now,
      ttlMs: MINUTE,
    });
    // Last seen two minutes ago with a one-minute lifetime: dead, so not listed.
    await driver.registerWorker(workerInfo(`${prefix}-dead`), { now: now - 2 * MINUTE, ttlMs: MINUTE });

    const shown = await run('workers');
    expect(shown.code, shown.stderr).toBe(0);
    const lines = shown.stdout.split('\n');
    expect(lines[0]).toMatch(/^ID +HOST +PID +QUEUES +RUNNING +STARTED +LAST SEEN +VERSION$/);
    const rowA = lines.find((line) => line.startsWith(`${prefix}-a `));
    const rowB = lines.find((line) => line.startsWith(`${prefix}-b `));
    expect(rowA).toMatch(/^\S+ +web-1\.internal +4242 +emails,reports +3\/10 +5m(\S*s)? ago +(now|\S+ ago) +0\.1\.0$/);
    expect(rowB).toMatch(/^\S+ +batch-2 +7 +reports +0\/2 +1m(\S*s)? ago +(now|\S+ ago) +0\.1\.0$/);
    expect(shown.stdout).not.toContain(`${prefix}-dead`);

    const json = parse(await run('workers', '--json')) as { workers: Record<string, unknown>[] };
    const mine = json.workers.filter((worker) => String(worker.id).startsWith(prefix));
    // Most recently started first, as admin.workers() orders them.
    expect(mine.map((worker) => worker.id)).toEqual([`${prefix}-b`, `${prefix}-a`]);
    expect(mine[1]).toEqual({ ...a, lastSeenAt: now, expiresAt: now + MINUTE });
    await driver.removeWorker(`${prefix}-a`);
    await driver.removeWorker(`${prefix}-b`);
    const after = parse(await run('workers', '--json')) as { workers: { id: string }[] };
    expect(after.workers.filter((worker) => worker.id.startsWith(prefix))).toEqual([]);
  });

  it('metrics shows per-minute completed, failed and dead counts with totals, matching admin.metrics', async () => {
    const s = store();
    const queue = `metrics-${Date.now().toString(36)}`;
    const now = Date.now();
    const failure = { attempts: 1, lastError: 'Error: boom', failedAt: now };
    // Three minutes ago: two completed, one retried. This minute: one completed, one dead-lettered.
    await runOne(s, queue, (lease) => s.driver.ack(lease, now - 3 * MINUTE));
    await runOne(s, queue, (lease) => s.driver.ack(lease, now - 3 * MINUTE));
    await runOne(s, queue, (lease) => s.driver.retry(lease, failure, now - 3 * MINUTE));
    await runOne(s, queue, (lease) => s.driver.ack(lease, now));
    await runOne(s, queue, (lease) => s.driver.fail(lease, { ...failure, reason: 'failed 1 of 1 allowed attempts' }, now));

    const json = parse(await s.run('metrics', queue, '--minutes', '10', '--json')) as {
      queue: string;
      from: number;
      to: number;
      points: { minute: number; completed: number; failed: number; dead: number }[];
      totals: Record<string, number>;
    };
    expect(json.queue).toBe(queue);
    expect(json.to - json.from).toBe(10 * MINUTE);
    expect(json.points).toHaveLength(10);
    expect(json.points).toEqual(await s.driver.metrics(queue, { from: json.from, to: json.to }));
    expect(json.totals).toEqual({ completed: 3, failed: 2, dead: 1 });
    const busy = json.points.filter((point) => point.completed + point.failed > 0);
    expect(busy.map(({ completed, failed, dead }) => ({ completed, failed, dead }))).toEqual([
      { completed: 2, failed: 1, dead: 0 },
      { completed: 1, failed: 1, dead: 1 },
    ]);
    expect(busy[1]!.minute - busy[0]!.minute).toBe(3 * MINUTE);

    // The table: a row per minute, oldest first, then the totals; --queue names the queue when no argument does.
    const table = await s.run('--queue', queue, 'metrics', '--minutes', '5');
    expect(table.code, table.stderr).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^MINUTE \(UTC\) +COMPLETED +FAILED +DEAD$/);
    expect(lines).toHaveLength(1 + 5 + 1);
    expect(lines[6]).toMatch(/^TOTAL +3 +2 +1$/);
    expect(lines.slice(1, 6).every((line) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:00\.000Z +\d+ +\d+ +\d+$/.test(line))).toBe(true);
  });

  it('metrics refuses a bad --minutes or queue name with exit 2', async () => {
    const { run } = store();
    for (const bad of [['metrics', 'q', '--minutes', '0'], ['metrics', 'q', '--minutes', '1441'], ['metrics', 'q', '--minutes', '1.5'], ['metrics', 'a{b}'], ['metrics', 'a', 'b']]) {
      const refused = await run(...bad);
      expect(refused.code, bad.join(' ')).toBe(2);
    }
    expect(parse(await run('metrics', 'q', '--minutes', '1440', '--json')).points).toHaveLength(1440);
  });

  it('enqueue --meta stores the entries, inspect shows them; bad meta exits 2 and stores nothing', async () => {
    const { run, driver } = store();
    const queue = `meta-${Date.now().toString(36)}`;
    const Q = ['--queue', queue];
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const enqueued = await run(...Q, 'enqueue', '--type', 'traced', '--meta', `traceparent=${traceparent}`, '--meta', 'tracestate=a=1,b=2', '--meta', 'note=two words');
    expect(enqueued.code, enqueued.stderr).toBe(0);
    const id = enqueued.stdout.trim();
    expect((await driver.inspect({ queue, id }))?.meta).toEqual({ traceparent, tracestate: 'a=1,b=2', note: 'two words' });

    const shown = await run(...Q, 'inspect', id);
    expect(shown.stdout).toMatch(new RegExp(`^meta +traceparent=${traceparent}\\n +tracestate=a=1,b=2\\n +note="two words"$`, 'm'));
    expect(parse(await run(...Q, 'inspect', id, '--json')).meta).toEqual({ traceparent, tracestate: 'a=1,b=2', note: 'two words' });

    // A job without meta shows no meta line, and {} in JSON.
    const plain = (await run(...Q, 'enqueue', '--type', 'plain')).stdout.trim();
    expect((await run(...Q, 'inspect', plain)).stdout).not.toMatch(/^meta/m);
    expect(parse(await run(...Q, 'inspect', plain, '--json')).meta).toEqual({});

    for (const bad of [['--meta', 'novalue'], ['--meta', '=x'], ['--meta', 'bad key=x'], ['--meta', '__proto__=x'], ['--meta', 'a=1', '--meta', 'a=2'], ['--meta', `k=${'x'.repeat(5000)}`]]) {
      const refused = await run(...Q, 'enqueue', '--type', 'traced', ...bad);
      expect(refused.code, bad.join(' ').slice(0, 40)).toBe(2);
    }
    expect((await driver.counts(queue)).ready).toBe(2);
  });
}
