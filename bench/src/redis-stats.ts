import type { Redis } from 'ioredis';

export interface RedisTarget {
  url: string;
  host: string;
  port: number;
  db: number;
}

/** Parses REDIS_URL (default redis://127.0.0.1:6379); the benchmark always uses DB 13 unless BENCH_REDIS_DB says otherwise. */
export function redisTarget(): RedisTarget {
  const addr = process.env.REDIS_ADDR;
  const url = process.env.REDIS_URL ?? (addr !== undefined && addr !== '' ? `redis://${addr}` : 'redis://127.0.0.1:6379');
  const parsed = new URL(url);
  const db = Number(process.env.BENCH_REDIS_DB ?? 13);
  return { url: `${parsed.protocol}//${parsed.host}`, host: parsed.hostname, port: Number(parsed.port || 6379), db };
}

/** Deletes every key that starts with `prefix` (SCAN MATCH + UNLINK). Never flushes. */
export async function deleteByPrefix(redis: Redis, prefix: string): Promise<number> {
  const pattern = `${prefix.replace(/[*?[\]\\]/g, (c) => `\\${c}`)}*`;
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}

export interface ServerStats {
  /** Sum of calls over INFO commandstats. */
  calls: number;
  /** Sum of usec over INFO commandstats (time spent executing commands, scripts included). */
  commandUsec: number;
  /** used_cpu_user + used_cpu_sys of the server process, in microseconds (includes network I/O). */
  cpuUsec: number;
  /** Per-command calls, for the breakdown in the JSON. */
  perCommand: Record<string, { calls: number; usec: number }>;
}

function infoFields(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    const at = line.indexOf(':');
    if (at > 0 && !line.startsWith('#')) fields.set(line.slice(0, at), line.slice(at + 1));
  }
  return fields;
}

export async function serverStats(redis: Redis): Promise<ServerStats> {
  const [stats, cpu] = await Promise.all([redis.info('commandstats'), redis.info('cpu')]);
  let calls = 0;
  let commandUsec = 0;
  const perCommand: ServerStats['perCommand'] = {};
  for (const [key, value] of infoFields(stats)) {
    if (!key.startsWith('cmdstat_')) continue;
    const c = Number(/calls=(\d+)/.exec(value)?.[1] ?? 0);
    const u = Number(/usec=(\d+)/.exec(value)?.[1] ?? 0);
    calls += c;
    commandUsec += u;
    perCommand[key.slice('cmdstat_'.length)] = { calls: c, usec: u };
  }
  const cpuFields = infoFields(cpu);
  const cpuUsec = Math.round((Number(cpuFields.get('used_cpu_user')) + Number(cpuFields.get('used_cpu_sys'))) * 1e6);
  return { calls, commandUsec, cpuUsec, perCommand };
}

export interface StatsDelta {
  calls: number;
  commandUsec: number;
  cpuUsec: number;
  perCommand: Record<string, { calls: number; usec: number }>;
}

/** after − before; the two INFO calls of the `after` snapshot are taken off the counts. */
export function statsDelta(before: ServerStats, after: ServerStats): StatsDelta {
  const perCommand: StatsDelta['perCommand'] = {};
  for (const [name, a] of Object.entries(after.perCommand)) {
    const b = before.perCommand[name] ?? { calls: 0, usec: 0 };
    if (a.calls !== b.calls) perCommand[name] = { calls: a.calls - b.calls, usec: a.usec - b.usec };
  }
  const infoUsec = perCommand.info?.usec ?? 0;
  return {
    calls: after.calls - before.calls - 2,
    commandUsec: after.commandUsec - before.commandUsec - infoUsec,
    cpuUsec: after.cpuUsec - before.cpuUsec,
    perCommand,
  };
}

export async function usedMemory(redis: Redis): Promise<number> {
  return Number(infoFields(await redis.info('memory')).get('used_memory'));
}

/**
 * `used_memory` once it has stopped moving: read every 200 ms until three
 * readings in a row are equal (at most 10 s). Right after a bulk write the
 * figure still holds transient allocations (the client's query buffer, the
 * keyspace's second table while Redis rehashes it to a larger size) that
 * go within a few server cron cycles.
 */
export async function settledUsedMemory(redis: Redis): Promise<number> {
  let last = await usedMemory(redis);
  let same = 0;
  for (let i = 0; i < 50 && same < 2; i++) {
    await new Promise((r) => setTimeout(r, 200));
    const now = await usedMemory(redis);
    same = now === last ? same + 1 : 0;
    last = now;
  }
  return last;
}

/** Client ids and addresses connected now. */
export async function clientAddresses(redis: Redis): Promise<Map<string, string>> {
  const text = (await redis.call('CLIENT', 'LIST')) as string;
  const clients = new Map<string, string>();
  for (const line of text.split('\n')) {
    const id = /(?:^|\s)id=(\d+)/.exec(line)?.[1];
    const addr = /(?:^|\s)addr=(\S+)/.exec(line)?.[1];
    if (id !== undefined && addr !== undefined) clients.set(id, addr);
  }
  return clients;
}

/**
 * Counts the commands that clients at `addresses` send, from a raw MONITOR
 * stream on a plain socket: lines are only scanned for the sender's address,
 * never parsed into objects, so other clients' traffic costs this process
 * little CPU while an idle worker's CPU is being measured.
 */
export async function monitorCommands(target: RedisTarget, addresses: Set<string>): Promise<{ count(): number; stop(): void }> {
  const { connect } = await import('node:net');
  const socket = connect({ host: target.host, port: target.port });
  let count = 0;
  let partial = '';
  let started = false;
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.write('MONITOR\r\n');
      resolve();
    });
  });
  socket.on('error', () => undefined);
  socket.on('data', (chunk: Buffer) => {
    const text = partial + chunk.toString('latin1');
    const lines = text.split('\r\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (!started) {
        if (line === '+OK') started = true;
        continue;
      }
      // "+1700000000.123456 [13 127.0.0.1:55555] "blpop" ..."
      const open = line.indexOf(' [');
      const close = line.indexOf('] ', open);
      if (open < 0 || close < 0) continue;
      const source = line.slice(line.indexOf(' ', open + 2) + 1, close);
      if (addresses.has(source)) count++;
    }
  });
  // Wait for the +OK so that the window starts with MONITOR in place.
  await new Promise<void>((resolve) => {
    const check = () => (started ? resolve() : setTimeout(check, 5));
    check();
  });
  return {
    count: () => count,
    stop: () => socket.destroy(),
  };
}
