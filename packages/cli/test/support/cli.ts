import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

/** The built binary, run as a user runs it: `node dist/bin.js …`. The test script builds it first. */
export const BIN = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));

/** REDIS_URL, else REDIS_ADDR (host:port), as the CLI itself reads them. */
export const redisUrl: string | undefined =
  process.env.REDIS_URL || (process.env.REDIS_ADDR ? `redis://${process.env.REDIS_ADDR}` : undefined);

/** DATABASE_URL, as the CLI reads it. */
export const databaseUrl: string | undefined = process.env.DATABASE_URL || undefined;

/** A Postgres schema no other test file (or earlier run) uses: lower-case, as the driver requires. */
export function uniqueSchema(name: string): string {
  return `th_cli_test_${name}_${randomBytes(3).toString('hex')}`;
}

/** Drops the schema and everything in it (the database is shared: nothing else is touched). */
export async function dropSchema(schema: string): Promise<void> {
  if (databaseUrl === undefined) return;
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

/** The global flags that point a command at this file's schema on the tests' PostgreSQL. */
export function postgresFlags(schema: string): string[] {
  return ['--driver', 'postgres', '--database-url', databaseUrl as string, '--schema', schema];
}

/** A key prefix no other test file (or earlier run) uses. */
export function uniquePrefix(name: string): string {
  return `th-cli-test-${name}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Environment without the user's colour or driver settings, so output is the plain text the tests expect. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.FORCE_COLOR;
  delete env.TASKHARBOR_DRIVER;
  delete env.TASKHARBOR_PREFIX;
  delete env.TASKHARBOR_SCHEMA;
  Object.assign(env, extra);
  for (const [key, value] of Object.entries(extra)) if (value === undefined) delete env[key];
  return env;
}

/** Runs the binary to completion. */
export function cli(args: readonly string[], env: NodeJS.ProcessEnv = cleanEnv()): Promise<CliResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env, timeout: 20_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      resolve({ code, stdout, stderr, ms: performance.now() - started });
    });
  });
}

/** Runs the binary and parses stdout as one JSON document. */
export async function cliJson<T = Record<string, unknown>>(args: readonly string[], env?: NodeJS.ProcessEnv): Promise<T> {
  const result = await cli([...args, '--json'], env);
  if (result.code !== 0) throw new Error(`taskharbor ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

/** A long-running `worker run`, its stdout read as JSON lines. */
export class RunningWorker {
  readonly child: ChildProcess;
  readonly events: Record<string, unknown>[] = [];
  stderr = '';
  private buffer = '';
  private readonly exited: Promise<number>;
  private waiters: (() => void)[] = [];

  constructor(args: readonly string[], env: NodeJS.ProcessEnv = cleanEnv()) {
    this.child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      this.buffer += chunk;
      let newline = this.buffer.indexOf('\n');
      while (newline !== -1) {
        const line = this.buffer.slice(0, newline);
        this.buffer = this.buffer.slice(newline + 1);
        // Every line must be a JSON document: a parse error here fails the test that waits.
        this.events.push(JSON.parse(line) as Record<string, unknown>);
        newline = this.buffer.indexOf('\n');
      }
      this.notify();
    });
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr += chunk;
    });
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => {
        this.notify();
        resolve(code ?? (signal === null ? 1 : 128));
      });
    });
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** Resolves with the first event that matches, or rejects after `ms` with what was seen. */
  async waitFor(match: (event: Record<string, unknown>) => boolean, ms = 15_000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.events.find(match);
      if (found !== undefined) return found;
      if (this.child.exitCode !== null) throw new Error(`worker exited ${this.child.exitCode}; stderr: ${this.stderr}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching event within ${ms} ms; events: ${JSON.stringify(this.events)}; stderr: ${this.stderr}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Sends the signal (Ctrl+C by default) and resolves with the exit code. */
  async stop(signal: NodeJS.Signals = 'SIGINT'): Promise<number> {
    if (this.child.exitCode === null) this.child.kill(signal);
    return this.exited;
  }
}

/** Deletes every key under the prefix (SCAN MATCH + DEL), never anything else: the database is shared. */
export async function deletePrefix(prefix: string): Promise<number> {
  if (redisUrl === undefined) return 0;
  const { RedisDriver } = await import('@taskharbor/driver-redis');
  const driver = await RedisDriver.connect({ url: redisUrl, keyPrefix: prefix });
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = (await driver.client.call('SCAN', cursor, 'MATCH', `${prefix}:*`, 'COUNT', '1000')) as [string, string[]];
      cursor = next;
      if (keys.length > 0) deleted += Number(await driver.client.call('DEL', ...keys));
    } while (cursor !== '0');
  } finally {
    await driver.close();
  }
  return deleted;
}

/** A stack trace line, which the CLI must never print without --verbose. */
export const STACK_LINE = /^\s+at\s/m;
