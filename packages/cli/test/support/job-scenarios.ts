import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { BIN, cleanEnv, cli, cliJson, STACK_LINE } from './cli.js';

/**
 * enqueue, inspect and list through the built binary, written once and run
 * against every shared store: `R()` gives the global flags that select it
 * (the driver, and the file's own prefix or schema).
 */
export function jobScenarios(R: () => readonly string[]): void {
  it('enqueues with every option and inspect shows each field', async () => {
    const runAt = '2031-01-02T03:04:05.678Z';
    const enqueued = await cli([
      ...R(),
      'enqueue',
      '--type',
      'email.send',
      '--payload-json',
      '{"to":"a@b.c","n":1}',
      '--run-at',
      runAt,
      '--timeout',
      '30s',
      '--max-attempts',
      '4',
      '--idempotency-key',
      'signup-42',
    ]);
    expect(enqueued.code).toBe(0);
    expect(enqueued.stderr).toBe('');
    const id = enqueued.stdout.trim();
    expect(id).toMatch(/^[0-9A-Z]{26}$/);

    const record = await cliJson([...R(), 'inspect', id]);
    expect(record).toMatchObject({
      id,
      type: 'email.send',
      queue: 'default',
      status: 'scheduled',
      attempts: 0,
      maxAttempts: 4,
      reclaims: 0,
      runAt: Date.parse(runAt),
      timeoutMs: 30_000,
      idempotencyKey: 'signup-42',
      lastError: null,
      payloadBytes: 20,
      payload: { to: 'a@b.c', n: 1 },
    });
    expect(record).not.toHaveProperty('lease');
    expect(record).not.toHaveProperty('dlqReason');

    const text = await cli([...R(), 'inspect', id]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^status +scheduled$/m);
    expect(text.stdout).toMatch(/^run at +2031-01-02T03:04:05\.678Z \(in \S+\)$/m);
    expect(text.stdout).toMatch(/^attempts +0 of 4/m);
    expect(text.stdout).toMatch(/^timeout +30s$/m);
    expect(text.stdout).toMatch(/^idempotency key +signup-42$/m);
    expect(text.stdout).toMatch(/^payload +\{"to":"a@b.c","n":1\} +\(20 bytes\)$/m);

    // The same idempotency key enqueues nothing and answers the first id.
    const again = await cliJson([...R(), 'enqueue', '--type', 'email.send', '--payload', 'other', '--idempotency-key', 'signup-42']);
    expect(again).toEqual({ id, existed: true });
  });

  it('reads the payload as JSON from --payload-file, and from standard input with -', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'th-cli-payload-'));
    try {
      // Far beyond what fits in one command-line argument on Linux (128 KiB).
      const large = { rows: Array.from({ length: 20_000 }, (_, i) => `row-${i}`) };
      const file = join(dir, 'payload.json');
      await writeFile(file, JSON.stringify(large));
      const fromFile = await cliJson<{ id: string }>([...R(), 'enqueue', '--type', 'report.build', '--payload-file', file]);
      expect((await cliJson<{ payload: unknown }>([...R(), 'inspect', fromFile.id])).payload).toEqual(large);

      const piped = spawnSync(process.execPath, [BIN, ...R(), 'enqueue', '--type', 'report.build', '--payload-file', '-'], {
        input: '{"from":"stdin"}',
        env: cleanEnv(),
        encoding: 'utf8',
      });
      expect(piped.status, piped.stderr).toBe(0);
      expect((await cliJson<{ payload: unknown }>([...R(), 'inspect', piped.stdout.trim()])).payload).toEqual({ from: 'stdin' });

      const broken = spawnSync(process.execPath, [BIN, ...R(), 'enqueue', '--type', 'report.build', '--payload-file', '-'], {
        input: '{"cut":',
        env: cleanEnv(),
        encoding: 'utf8',
      });
      expect(broken.status).toBe(2);
      expect(broken.stderr).toMatch(/^error: --payload-file -: not valid JSON/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reads --run-at as unix seconds or milliseconds, --delay as a duration, --payload as a JSON string', async () => {
    const seconds = await cliJson<{ id: string }>([...R(), 'enqueue', '--type', 't', '--run-at', '1924992000']);
    expect((await cliJson([...R(), 'inspect', seconds.id])).runAt).toBe(1_924_992_000_000);
    const millis = await cliJson<{ id: string }>([...R(), 'enqueue', '--type', 't', '--run-at', '1924992000123']);
    expect((await cliJson([...R(), 'inspect', millis.id])).runAt).toBe(1_924_992_000_123);
    const before = Date.now();
    const delayed = await cliJson<{ id: string }>([...R(), 'enqueue', '--type', 't', '--delay', '5m', '--payload', '{"not":"parsed"}']);
    const record = await cliJson([...R(), 'inspect', delayed.id]);
    expect(record.runAt).toBeGreaterThanOrEqual(before + 300_000);
    expect(record.runAt).toBeLessThan(Date.now() + 300_000);
    expect(record.payload).toBe('{"not":"parsed"}');
  });

  it('pages through a queue with --limit and --cursor, each job exactly once, in id order', async () => {
    const P = [...R(), '--queue', 'paging'];
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await cliJson<{ id: string }>([...P, 'enqueue', '--type', 'page', '--payload-json', String(i)])).id);

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { jobs: { id: string }[]; nextCursor: string | null } = await cliJson([...P, 'list', '--limit', '2', ...(cursor ? ['--cursor', cursor] : [])]);
      pages++;
      expect(page.jobs.length).toBeLessThanOrEqual(2);
      seen.push(...page.jobs.map((job) => job.id));
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(pages).toBe(3);
    expect(seen).toEqual([...ids].sort());

    const text = await cli([...P, 'list', '--limit', '2']);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^ID +TYPE +STATUS +ATTEMPTS +CREATED +WHEN +PAYLOAD$/);
    expect(lines[1]).toMatch(new RegExp(`^${ids[0]}  page  ready +0/25 +.* ago +- +0$`));
    expect(lines[3]).toMatch(/^next cursor: (\S+) {2}\(taskharbor list --queue paging --limit 2 --cursor \1\)$/);

    const none = await cli([...P, 'list', '--status', 'dlq']);
    expect(none.stdout).toBe('no dlq jobs in queue paging\n');

    const queues = await cliJson<{ queues: { queue: string; counts: Record<string, number> }[] }>([...R(), 'queues']);
    expect(queues.queues.find((q) => q.queue === 'paging')?.counts).toEqual({ ready: 5, scheduled: 0, inflight: 0, done: 0, dlq: 0, cancelled: 0, paused: false });
  });

  it('exits 1 for an unknown job id and 2 for malformed input, with one clear line and no stack trace', async () => {
    const cases: [string[], number, RegExp][] = [
      [['inspect', '01JZ3G6Q0M5W4T7X9A2B8C4D6E'], 1, /^error: job 01JZ3G6Q0M5W4T7X9A2B8C4D6E not found in (queue default|any queue \(searched [\w, -]+\))$/],
      [['--queue', 'paging', 'dlq', 'requeue', '01JZ3G6Q0M5W4T7X9A2B8C4D6E'], 1, /^error: job 01JZ3G6Q0M5W4T7X9A2B8C4D6E not found in queue paging$/],
      [['enqueue', '--type', 't', '--run-at', '2025-13-01T00:00:00Z'], 2, /^error: --run-at: "2025-13-01T00:00:00Z" is not a time/],
      [['enqueue', '--type', 't', '--payload-json', "{'single':'quotes'}"], 2, /^error: --payload-json: not valid JSON/],
      [['enqueue', '--type', 't', '--payload', 'x', '--payload-json', '"x"'], 2, /give one of --payload/],
    ];
    for (const [args, code, message] of cases) {
      const result = await cli([...R(), ...args]);
      expect(result.code, args.join(' ')).toBe(code);
      expect(result.stdout).toBe('');
      expect(result.stderr.trim()).toMatch(message);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).not.toMatch(STACK_LINE);
    }
    const json = await cli([...R(), '--json', 'inspect', 'NO-SUCH-JOB']);
    expect(JSON.parse(json.stderr).error).toMatchObject({ code: 'JOB_NOT_FOUND', exitCode: 1 });
    // --verbose is the one way to get the stack.
    const verbose = await cli([...R(), '--verbose', 'inspect', 'NO-SUCH-JOB']);
    expect(verbose.stderr).toMatch(STACK_LINE);
  });
}
