/**
 * redis-server child processes (data nodes and Sentinels) for the
 * high-availability fault tests: started on a given port, waited for until
 * they answer PING, signalled and killed by PID, and all SIGKILLed on
 * process exit.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import { REDIS_SERVER_BIN } from './fault-redis-server.js';

const started = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of started) child.kill('SIGKILL');
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs one command on one node with a short-lived client; undefined when the node does not answer. */
export async function askNode<T>(port: number, command: (redis: Redis) => Promise<T>, timeoutMs = 1000): Promise<T | undefined> {
  const redis = new Redis({
    host: '127.0.0.1',
    port,
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    commandTimeout: timeoutMs,
    connectTimeout: timeoutMs,
  });
  redis.on('error', () => {});
  try {
    await redis.connect();
    return await command(redis);
  } catch {
    return undefined;
  } finally {
    redis.disconnect();
  }
}

export class RedisProcess {
  readonly port: number;
  readonly child: ChildProcess;
  private log = '';

  private constructor(port: number, child: ChildProcess) {
    this.port = port;
    this.child = child;
    const keep = (chunk: Buffer) => {
      this.log = (this.log + chunk.toString()).slice(-2000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
  }

  /** Starts `redis-server ...args` (which must listen on `port`) and waits for PING. */
  static async start(port: number, args: readonly string[]): Promise<RedisProcess> {
    const child = spawn(REDIS_SERVER_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    started.add(child);
    child.on('exit', () => started.delete(child));
    const node = new RedisProcess(port, child);
    const until = Date.now() + 10_000;
    while ((await askNode(port, (redis) => redis.ping())) !== 'PONG') {
      if (child.exitCode !== null) throw new Error(`redis-server on ${port} exited: ${node.output}`);
      if (Date.now() > until) throw new Error(`redis-server on ${port} did not answer PING: ${node.output}`);
      await sleep(50);
    }
    return node;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  get output(): string {
    return this.log;
  }

  /** SIGSTOP: the process stays, with its connections open, and answers nothing. */
  pause(): void {
    this.child.kill('SIGSTOP');
  }

  resume(): void {
    this.child.kill('SIGCONT');
  }

  /** SIGKILL, then wait for the exit. */
  async kill(): Promise<void> {
    if (!this.alive) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGCONT');
    this.child.kill('SIGKILL');
    await exited;
  }
}
