import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Cluster, Redis } from 'ioredis';
import { RESEND_SAFE_CLUSTER_OPTIONS } from '../../src/index.js';
import { portIsFree, stopProcess, until } from './redis-process.js';

const run = promisify(execFile);

/** A three-master Redis Cluster of child redis-server processes on loopback, for one test file. */
export interface LocalCluster {
  readonly ports: readonly number[];
  readonly nodes: { host: string; port: number }[];
  /** A Cluster client with the resend-safe options; disconnected by stop(). */
  readonly client: Cluster;
  /** Kills the servers and removes their directory; safe to call twice. */
  stop(): Promise<void>;
}

/** Three consecutive ports whose cluster-bus ports (port + 10000) are free too. */
async function freePorts(): Promise<number[]> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 9_000);
    const ports = [base, base + 1, base + 2];
    const checks = await Promise.all(ports.flatMap((port) => [portIsFree(port), portIsFree(port + 10_000)]));
    if (checks.every(Boolean)) return ports;
  }
  throw new Error('no three free ports (and bus ports) found between 20000 and 29002');
}

/**
 * Starts three redis-server processes with cluster mode on, joins them with
 * `redis-cli --cluster create` and waits for cluster_state:ok. On any
 * failure everything started so far is torn down before the error surfaces.
 */
export async function startLocalCluster(): Promise<LocalCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'th-redis-cluster-'));
  const children: ChildProcess[] = [];
  const output: string[] = [];
  let client: Cluster | undefined;
  const killAll = () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  };
  process.once('exit', killAll);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    client?.disconnect();
    await Promise.all(children.map(stopProcess));
    process.removeListener('exit', killAll);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const ports = await freePorts();
    for (const port of ports) {
      const child = spawn(
        'redis-server',
        [
          '--port', String(port),
          '--bind', '127.0.0.1',
          '--cluster-enabled', 'yes',
          '--cluster-config-file', join(dir, `nodes-${port}.conf`),
          '--cluster-node-timeout', '5000',
          '--dir', dir,
          '--save', '',
          '--appendonly', 'no',
          '--daemonize', 'no',
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      child.on('error', (error) => output.push(`redis-server on ${port}: ${error.message}`));
      child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      children.push(child);
    }
    for (const port of ports) {
      await until(`redis-server on port ${port} answering PING`, 10_000, async () => {
        const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
        probe.on('error', () => undefined);
        try {
          await probe.connect();
          return (await probe.ping()) === 'PONG' ? true : undefined;
        } finally {
          probe.disconnect();
        }
      });
    }
    await run('redis-cli', [
      '--cluster', 'create',
      ...ports.map((port) => `127.0.0.1:${port}`),
      '--cluster-replicas', '0',
      '--cluster-yes',
    ]);
    for (const port of ports) {
      await until(`cluster_state:ok on port ${port}`, 20_000, async () => {
        const { stdout } = await run('redis-cli', ['-p', String(port), 'cluster', 'info']);
        return stdout.includes('cluster_state:ok') && stdout.includes('cluster_known_nodes:3') ? true : undefined;
      });
    }
    const nodes = ports.map((port) => ({ host: '127.0.0.1', port }));
    client = new Cluster(nodes, { ...RESEND_SAFE_CLUSTER_OPTIONS });
    client.on('error', () => undefined);
    await client.ping();
    return { ports, nodes, client, stop };
  } catch (error) {
    await stop();
    const log = output.join('').trim().split('\n').slice(-20).join('\n');
    throw new Error(`could not start a local Redis Cluster (redis-server and redis-cli must be on PATH): ${String(error)}\n${log}`);
  }
}
