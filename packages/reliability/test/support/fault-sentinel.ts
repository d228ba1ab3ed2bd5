/**
 * A Sentinel set-up of child redis-server processes: one master, one
 * replica and three Sentinels (redis-server --sentinel) watching the master
 * as `MASTER_NAME`, on free loopback ports in one temporary directory.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { askNode, RedisProcess } from './fault-processes.js';
import { freePort } from './fault-redis-server.js';

export const MASTER_NAME = 'thfault';

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** How long a failover may show no new master before SENTINEL FAILOVER is sent again (past the failover-timeout of 10 s). */
const ASK_AGAIN_MS = 12_000;

export class FaultSentinel {
  readonly dir: string;
  readonly data: RedisProcess[] = [];
  readonly sentinels: RedisProcess[] = [];

  private constructor(dir: string) {
    this.dir = dir;
  }

  static async start(): Promise<FaultSentinel> {
    const setup = new FaultSentinel(mkdtempSync(join(tmpdir(), 'thfault-sentinel-')));
    try {
      const dataArgs = (port: number) => ['--port', String(port), '--bind', '127.0.0.1', '--dir', setup.dir, '--dbfilename', `dump-${port}.rdb`, '--save', '', '--appendonly', 'no', '--repl-diskless-sync-delay', '0'];
      const masterPort = await freePort();
      setup.data.push(await RedisProcess.start(masterPort, dataArgs(masterPort)));
      const replicaPort = await freePort();
      setup.data.push(await RedisProcess.start(replicaPort, [...dataArgs(replicaPort), '--replicaof', '127.0.0.1', String(masterPort)]));
      for (let i = 0; i < 3; i++) {
        const port = await freePort();
        const config = join(setup.dir, `sentinel-${port}.conf`);
        writeFileSync(
          config,
          [
            `port ${port}`,
            'bind 127.0.0.1',
            `dir ${setup.dir}`,
            `sentinel monitor ${MASTER_NAME} 127.0.0.1 ${masterPort} 2`,
            `sentinel down-after-milliseconds ${MASTER_NAME} 2000`,
            `sentinel failover-timeout ${MASTER_NAME} 10000`,
            `sentinel parallel-syncs ${MASTER_NAME} 1`,
            '',
          ].join('\n'),
        );
        setup.sentinels.push(await RedisProcess.start(port, [config, '--sentinel']));
      }
      await setup.waitReady(30_000);
      return setup;
    } catch (error) {
      await setup.destroy();
      throw new Error(`could not start a local Sentinel set-up: ${String(error)}`);
    }
  }

  get sentinelAddresses(): { host: string; port: number }[] {
    return this.sentinels.map((node) => ({ host: '127.0.0.1', port: node.port }));
  }

  /** The master's port as the first answering Sentinel reports it. */
  async masterPort(): Promise<number | undefined> {
    for (const sentinel of this.sentinels) {
      const address = await askNode(sentinel.port, (redis) => redis.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', MASTER_NAME) as Promise<[string, string] | null>);
      if (address) return Number(address[1]);
    }
    return undefined;
  }

  /** Waits until the master's replica is online and every Sentinel knows a healthy replica and the two other Sentinels. */
  async waitReady(ms: number): Promise<void> {
    const until = Date.now() + ms;
    for (;;) {
      const views = await Promise.all(
        this.sentinels.map((sentinel) =>
          askNode(sentinel.port, async (redis) => {
            const replicas = (await redis.call('SENTINEL', 'REPLICAS', MASTER_NAME)) as string[][];
            const others = (await redis.call('SENTINEL', 'SENTINELS', MASTER_NAME)) as unknown[];
            const healthy = replicas.some((fields) => !/down|disconnected/.test(fields[fields.indexOf('flags') + 1] ?? 'down'));
            return healthy && others.length === 2;
          }),
        ),
      );
      const master = await this.masterPort();
      const online = master === undefined ? false : await askNode(master, async (redis) => (await redis.info('replication')).includes('state=online'));
      if (views.every(Boolean) && online === true) return;
      if (Date.now() > until) throw new Error(`Sentinels not ready within ${ms} ms`);
      await sleep(200);
    }
  }

  /**
   * SENTINEL FAILOVER: promotes the replica without asking the other
   * Sentinels; resolves once the Sentinels report the new master. A failover
   * that stalls (a promotion slower than failover-timeout on a loaded
   * machine) is given up by Sentinel, so the command is sent again every
   * ASK_AGAIN_MS until a new master shows; while one is in progress Sentinel
   * answers INPROG, which changes nothing.
   */
  async failover(ms: number): Promise<number> {
    const before = await this.masterPort();
    const ask = () => askNode(this.sentinels[0]?.port ?? 0, (redis) => redis.call('SENTINEL', 'FAILOVER', MASTER_NAME));
    await ask();
    const until = Date.now() + ms;
    let askedAt = Date.now();
    for (;;) {
      const now = await this.masterPort();
      if (now !== undefined && now !== before) return now;
      if (Date.now() > until) throw new Error(`no new master within ${ms} ms`);
      if (Date.now() - askedAt >= ASK_AGAIN_MS) {
        askedAt = Date.now();
        await ask().catch((error: unknown) => {
          if (!/INPROG|NOGOODSLAVE/.test(String(error))) throw error;
        });
      }
      await sleep(50);
    }
  }

  async destroy(): Promise<void> {
    await Promise.all([...this.sentinels, ...this.data].map((node) => node.kill()));
    rmSync(this.dir, { recursive: true, force: true });
  }
}
