/**
 * A Redis Cluster of child redis-server processes for the fault tests: three
 * masters with one replica each, on free loopback ports (each with its bus
 * port chosen free too, via cluster-port), in one temporary directory. Nodes
 * are stopped, continued and killed by PID; everything is killed and removed
 * by destroy() and on process exit.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { askNode, RedisProcess } from './fault-processes.js';
import { freePort } from './fault-redis-server.js';

const run = promisify(execFile);

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** CLUSTER SLOTS as one node sees it: [first slot, last slot, [master host, master port, …], …replicas]. */
function slotRanges(port: number): Promise<[number, number, [string, number]][] | undefined> {
  return askNode(port, async (redis) => (await redis.cluster('SLOTS')) as unknown as [number, number, [string, number]][]);
}

export class FaultCluster {
  readonly dir: string;
  readonly nodes: RedisProcess[] = [];
  private readonly args = new Map<number, string[]>();

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
      await cluster.waitReplicasOnline(30_000);
      return cluster;
    } catch (error) {
      await cluster.destroy();
      const logs = cluster.nodes.map((node) => node.output).join('\n');
      throw new Error(`could not start a local Redis Cluster with replicas: ${String(error)}\n${logs.slice(-3000)}`);
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
      '--repl-diskless-sync-delay', '0',
    ];
    this.args.set(port, args);
    this.nodes.push(await RedisProcess.start(port, args));
  }

  /** Starts a killed node again on its port with its nodes file: it rejoins, as a replica of whoever took its slots. */
  async restart(port: number): Promise<void> {
    const index = this.nodes.findIndex((node) => node.port === port);
    const args = this.args.get(port);
    if (index < 0 || args === undefined) throw new Error(`no node on port ${port}`);
    this.nodes[index] = await RedisProcess.start(port, args);
  }

  /**
   * Waits until every live node reports cluster_state:ok and `masters` live
   * masters serve the slots (so after a kill: until a replica took over).
   */
  async waitHealthy(ms: number, masters = 3): Promise<void> {
    const until = Date.now() + ms;
    for (;;) {
      const live = this.nodes.filter((node) => node.alive);
      const infos = await Promise.all(live.map((node) => askNode(node.port, (redis) => redis.cluster('INFO') as Promise<string>)));
      const ok = infos.every((info) => info?.includes('cluster_state:ok'));
      const serving = await this.masterPorts();
      if (ok && serving.length === masters && serving.every((port) => live.some((node) => node.port === port))) return;
      if (Date.now() > until) throw new Error(`cluster not healthy within ${ms} ms: ${infos.map((info) => info?.split('\n')[0]).join(', ')}`);
      await sleep(100);
    }
  }

  /** Waits until every master that serves slots has a replica in sync. */
  async waitReplicasOnline(ms: number): Promise<void> {
    const until = Date.now() + ms;
    for (;;) {
      const masters = await this.masterPorts();
      const online = await Promise.all(masters.map((port) => askNode(port, async (redis) => (await redis.info('replication')).includes('state=online'))));
      if (masters.length > 0 && online.every((ok) => ok === true)) return;
      if (Date.now() > until) throw new Error(`replicas not in sync within ${ms} ms`);
      await sleep(100);
    }
  }

  /** Ports of the live masters that serve slots, as the first answering live node sees them. */
  async masterPorts(): Promise<number[]> {
    for (const node of this.nodes) {
      if (!node.alive) continue;
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
      if (node.alive) await askNode(node.port, (redis) => redis.config('SET', name, value));
    }
  }

  private node(port: number): RedisProcess {
    const node = this.nodes.find((candidate) => candidate.port === port);
    if (node === undefined) throw new Error(`no node on port ${port}`);
    return node;
  }

  /** SIGSTOP: the process stays, with its connections open, and answers nothing. */
  pause(port: number): void {
    this.node(port).pause();
  }

  /** SIGCONT after pause(). */
  resume(port: number): void {
    this.node(port).resume();
  }

  /** SIGKILL, then wait for the exit. */
  kill(port: number): Promise<void> {
    return this.node(port).kill();
  }

  async destroy(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.kill()));
    rmSync(this.dir, { recursive: true, force: true });
  }
}
