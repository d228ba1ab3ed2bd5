/**
 * A Redis Cluster of child redis-server processes for the fault tests: three
 * masters with one replica each, on free loopback ports (each with its bus
 * port chosen free too, via cluster-port), in one temporary directory. Nodes
 * are stopped, continued and killed by PID; everything is killed and removed
 * by destroy() and on process exit.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { freePort, REDIS_SERVER_BIN } from './fault-redis-server.js';

const run = promisify(execFile);

export interface ClusterNodeProcess {
  readonly port: number;
  readonly child: ChildProcess;
}

const started = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of started) child.kill('SIGKILL');
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs one command on one node with a short-lived client; undefined when the node does not answer. */
export async function askNode<T>(port: number, command: (redis: Redis) => Promise<T>, timeoutMs = 1000): Promise<T | undefined> {
  const redis = new Redis({ host: '127.0.0.1', port, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, commandTimeout: timeoutMs, connectTimeout: timeoutMs });
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

/** CLUSTER SLOTS as one node sees it: [first slot, last slot, [master host, master port, …], …replicas]. */
function slotRanges(port: number): Promise<[number, number, [string, number]][] | undefined> {
  return askNode(port, async (redis) => (await redis.cluster('SLOTS')) as unknown as [number, number, [string, number]][]);
}

export class FaultCluster {
  readonly dir: string;
  readonly nodes: ClusterNodeProcess[] = [];
  private readonly logs = new Map<number, string>();

  private constructor(dir: string) {
    this.dir = dir;
  }

  /** Starts `masters` masters with one replica each and waits until every node reports cluster_state:ok. */
  static async start(masters = 3, nodeTimeoutMs = 15_000): Promise<FaultCluster> {
    const cluster = new FaultCluster(mkdtempSync(join(tmpdir(), 'thfault-cluster-')));
    try {
      for (let i = 0; i < masters * 2; i++) await cluster.spawnNode(nodeTimeoutMs);
      const ports = cluster.nodes.map((node) => node.port);
      await run('redis-cli', ['--cluster', 'create', ...ports.map((port) => `127.0.0.1:${port}`), '--cluster-replicas', '1', '--cluster-yes']);
      await cluster.waitHealthy(30_000, masters);
      return cluster;
    } catch (error) {
      await cluster.destroy();
      throw new Error(`could not start a local Redis Cluster with replicas: ${String(error)}\n${[...cluster.logs.values()].join('\n').slice(-3000)}`);
    }
  }

  get startupNodes(): { host: string; port: number }[] {
    return this.nodes.map((node) => ({ host: '127.0.0.1', port: node.port }));
  }

  private async spawnNode(nodeTimeoutMs: number): Promise<void> {
    const port = await freePort();
    let busPort = await freePort();
    while (busPort === port) busPort = await freePort();
    const args = [
      '--port', String(port),
      '--cluster-port', String(busPort),
      '--bind', '127.0.0.1',
      '--cluster-enabled', 'yes',
      '--cluster-config-file', join(this.dir, `nodes-${port}.conf`),
      '--cluster-node-timeout', String(nodeTimeoutMs),
      '--dir', this.dir,
      '--dbfilename', `dump-${port}.rdb`,
      '--save', '',
      '--appendonly', 'no',
    ];
    const child = spawn(REDIS_SERVER_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    started.add(child);
    child.on('exit', () => started.delete(child));
    const keep = (chunk: Buffer) => this.logs.set(port, ((this.logs.get(port) ?? '') + chunk.toString()).slice(-2000));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.nodes.push({ port, child });
    const until = Date.now() + 10_000;
    while ((await askNode(port, (redis) => redis.ping())) !== 'PONG') {
      if (child.exitCode !== null) throw new Error(`redis-server on ${port} exited: ${this.logs.get(port)}`);
      if (Date.now() > until) throw new Error(`redis-server on ${port} did not answer PING`);
      await sleep(50);
    }
  }

  /**
   * Waits until every live node reports cluster_state:ok and `masters` live
   * masters serve the slots (so after a kill: until a replica took over).
   */
  async waitHealthy(ms: number, masters = 3): Promise<void> {
    const until = Date.now() + ms;
    for (;;) {
      const live = this.nodes.filter((node) => node.child.exitCode === null && node.child.signalCode === null);
      const infos = await Promise.all(live.map((node) => askNode(node.port, (redis) => redis.cluster('INFO') as Promise<string>)));
      const ok = infos.every((info) => info?.includes('cluster_state:ok'));
      const serving = await this.masterPorts();
      if (ok && serving.length === masters && serving.every((port) => live.some((node) => node.port === port))) return;
      if (Date.now() > until) throw new Error(`cluster not healthy within ${ms} ms: ${infos.map((info) => info?.split('\n')[0]).join(', ')}`);
      await sleep(100);
    }
  }

  /** Ports of the live masters that serve slots, as the first answering live node sees them. */
  async masterPorts(): Promise<number[]> {
    for (const node of this.nodes) {
      if (node.child.exitCode !== null || node.child.signalCode !== null) continue;
      const slots = await slotRanges(node.port);
      if (slots !== undefined) return [...new Set(slots.map((range) => range[2][1]))].sort((a, b) => a - b);
    }
    return [];
  }

  /** The port of the master serving the hash slot of `{tag}`. */
  async masterOf(tag: string): Promise<number> {
    const port = (await this.masterPorts())[0] ?? this.nodes[0]?.port ?? 0;
    const slot = await askNode(port, (redis) => redis.cluster('KEYSLOT', `{${tag}}`) as Promise<number>);
    const slots = await slotRanges(port);
    const range = slots?.find(([from, to]) => slot !== undefined && slot >= from && slot <= to);
    if (range === undefined) throw new Error(`no master found for {${tag}}`);
    return range[2][1];
  }

  /** Sets a config value on every live node (e.g. cluster-node-timeout between scenarios). */
  async configSet(name: string, value: string): Promise<void> {
    for (const node of this.nodes) {
      if (node.child.exitCode === null && node.child.signalCode === null) await askNode(node.port, (redis) => redis.config('SET', name, value));
    }
  }

  private node(port: number): ClusterNodeProcess {
    const node = this.nodes.find((candidate) => candidate.port === port);
    if (node === undefined) throw new Error(`no node on port ${port}`);
    return node;
  }

  /** SIGSTOP: the process stays, with its connections open, and answers nothing. */
  pause(port: number): void {
    this.node(port).child.kill('SIGSTOP');
  }

  /** SIGCONT after pause(). */
  resume(port: number): void {
    this.node(port).child.kill('SIGCONT');
  }

  /** SIGKILL, then wait for the exit. */
  async kill(port: number): Promise<void> {
    const { child } = this.node(port);
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  async destroy(): Promise<void> {
    for (const node of this.nodes) node.child.kill('SIGCONT');
    await Promise.all(this.nodes.map((node) => this.kill(node.port)));
    rmSync(this.dir, { recursive: true, force: true });
  }
}
