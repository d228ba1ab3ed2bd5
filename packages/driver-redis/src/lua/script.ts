import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import bulk from './includes/bulk.lua';
import byteOrder from './includes/byte-order.lua';
import clock from './includes/clock.lua';
import doneRetention from './includes/done-retention.lua';
import leaseCheck from './includes/lease-check.lua';
import wake from './includes/wake.lua';

/** A standalone client or a cluster client; the driver uses only what both have. */
export type RedisClient = Redis | Cluster;

/** One ARGV or KEYS entry. */
export type ScriptArg = string | Buffer | number;

/** The shared fragments a script pulls in with a line `--- @include "<name>"`. */
const INCLUDES: Readonly<Record<string, string>> = {
  bulk,
  'byte-order': byteOrder,
  clock,
  'done-retention': doneRetention,
  'lease-check': leaseCheck,
  wake,
};

const INCLUDE_LINE = /^--- @include "([a-z-]+)"[ \t]*$/gm;

/** A Lua script ready to run: its full source (fragments included) and that source's SHA1, the EVALSHA name. */
export interface LuaScript {
  readonly name: string;
  readonly numKeys: number;
  readonly source: string;
  readonly sha: string;
}

/**
 * Resolves the script's include lines and computes its SHA. The name and key
 * count repeat the file name (`reserve-5.lua`), so a mismatch shows up here.
 */
export function defineScript(name: string, numKeys: number, text: string): LuaScript {
  const source = text.replace(INCLUDE_LINE, (_line, include: string) => {
    const fragment = INCLUDES[include];
    if (fragment === undefined) throw new Error(`Lua script ${name} includes an unknown fragment "${include}"`);
    return fragment;
  });
  return { name, numKeys, source, sha: createHash('sha1').update(source).digest('hex') };
}

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}

/**
 * Runs a script by SHA (EVALSHA). When the server answers NOSCRIPT (its
 * script cache was flushed, it restarted, or a cluster node never saw the
 * script) the script did not run, so sending it again is safe: EVAL runs it
 * with its source, which also caches it under the same SHA for next time.
 * That is the only resend; any other failure goes to the caller.
 *
 * `bytes` asks for Buffer replies (payloads are binary); `text` for strings.
 */
export async function runScript(
  client: RedisClient,
  script: LuaScript,
  keys: readonly string[],
  args: readonly ScriptArg[],
  replies: 'text' | 'bytes',
): Promise<unknown> {
  if (keys.length !== script.numKeys) {
    throw new Error(`Lua script ${script.name} takes ${script.numKeys} keys, got ${keys.length}`);
  }
  const call = replies === 'bytes' ? client.callBuffer.bind(client) : client.call.bind(client);
  // The array form of call(): a large enqueueMany can pass more ARGV than a spread call allows.
  const tail: ScriptArg[] = [script.numKeys, ...keys, ...args];
  try {
    return await call('evalsha', [script.sha, ...tail]);
  } catch (error) {
    if (!isNoScript(error)) throw error;
  }
  return call('eval', [script.source, ...tail]);
}
