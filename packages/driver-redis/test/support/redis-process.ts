import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

/** Process and port helpers for tests that start redis-server processes of their own. */

export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export async function until<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${what} did not happen within ${ms} ms${lastError ? `: ${String(lastError)}` : ''}`);
}

export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}


/** A redis-server of the test's own on a free loopback port, nothing saved to disk. */
export interface PrivateRedis {
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * Starts `redis-server` with the given extra arguments (e.g. `--requirepass`)
 * and waits until it answers PING with `password`. The shared Redis is never
 * reconfigured: settings a test needs live only in this process.
 */
export async function startPrivateRedis(args: readonly string[], password?: string): Promise<PrivateRedis> {
  let port = 0;
  for (let attempt = 0; attempt < 50 && port === 0; attempt++) {
    const candidate = 30_000 + Math.floor(Math.random() * 10_000);
    if (await portIsFree(candidate)) port = candidate;
  }
  if (port === 0) throw new Error('no free port between 30000 and 39999 for a private redis-server');
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...args], {
    stdio: 'ignore',
  });
  const stop = () => stopProcess(child);
  try {
    await until(`a private redis-server answering on port ${port}`, 10_000, async () => {
      const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, password });
      probe.on('error', () => undefined);
      try {
        await probe.connect();
        return (await probe.ping()) === 'PONG' ? true : undefined;
      } finally {
        probe.disconnect();
      }
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { port, stop };
}
