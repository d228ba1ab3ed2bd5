import { createHash } from 'node:crypto';
import { type Cluster, Command, type Redis } from 'ioredis';
import bulk from './includes/bulk.lua';
import byteOrder from './includes/byte-order.lua';
import clock from './includes/clock.lua';
import finish from './includes/finish.lua';
import flow from './includes/flow.lua';
import flowReserve from './includes/flow-reserve.lua';
import handoff from './includes/handoff.lua';
import idTime from './includes/id-time.lua';
import index from './includes/index.lua';
import indexAdd from './includes/index-add.lua';
import leaseCheck from './includes/lease-check.lua';
import metrics from './includes/metrics.lua';
import pending from './includes/pending.lua';
import place from './includes/place.lua';
import purgeFilter from './includes/purge-filter.lua';
import retention from './includes/retention.lua';
import revive from './includes/revive.lua';
import store from './includes/store.lua';
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
  finish,
  flow,
  'flow-reserve': flowReserve,
  handoff,
  'id-time': idTime,
  index,
  'index-add': indexAdd,
  'lease-check': leaseCheck,
  metrics,
  pending,
  place,
  'purge-filter': purgeFilter,
  retention,
  revive,
  store,
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
 * count repeat the file name (`reserve-8.lua`), so a mismatch shows up here.
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
  const head = scriptHead(script, keys);
  try {
    return await sendScript(client, 'evalsha', script.sha, head, args, replies);
  } catch (error) {
    if (!isNoScript(error)) throw error;
  }
  return sendScript(client, 'eval', script.source, head, args, replies);
}

/**
 * Runs a script by its source (EVAL), never by SHA first. For scripts whose
 * order against the same connection's later commands matters: a NOSCRIPT
 * answer to EVALSHA makes runScript send the script again, after whatever
 * was sent meanwhile. Redis still compiles a script once and keeps it by
 * its SHA, so the cost is sending the source.
 */
export function runScriptInOrder(
  client: RedisClient,
  script: LuaScript,
  keys: readonly string[],
  args: readonly ScriptArg[],
  replies: 'text' | 'bytes',
): Promise<unknown> {
  return sendScript(client, 'eval', script.source, scriptHead(script, keys), args, replies);
}

/** The key count and keys of an EVAL or EVALSHA, checked against the script's key count. */
function scriptHead(script: LuaScript, keys: readonly string[]): (string | number)[] {
  if (keys.length !== script.numKeys) {
    throw new Error(`Lua script ${script.name} takes ${script.numKeys} keys, got ${keys.length}`);
  }
  return [script.numKeys, ...keys];
}

/**
 * Sends one EVALSHA or EVAL. ioredis's own call() flattens every argument
 * list with Array.prototype.flat, about 85 ns an argument, which was most of
 * the client's cost for an enqueueMany of 1,000 jobs (10,000 arguments).
 * So the command is built from its name, script and keys (a client's
 * keyPrefix and the cluster slot work on those as in call()), and the ARGV,
 * already flat, are appended after. The command goes straight to the
 * connection, also on a client with auto-pipelining, whose pipeline cannot
 * take call()'s array form (the driver batches its own work anyway).
 */
function sendScript(
  client: RedisClient,
  command: 'evalsha' | 'eval',
  script: string,
  head: readonly (string | number)[],
  args: readonly ScriptArg[],
  replies: 'text' | 'bytes',
): Promise<unknown> {
  const built = new Command(command, [script, ...head], {
    keyPrefix: (client.options as { keyPrefix?: string }).keyPrefix,
    replyEncoding: replies === 'bytes' ? null : 'utf8',
  });
  built.args = built.args.concat(args);
  // What the constructor does for its own arguments: numbers become strings, a Buffer switches on binary writing.
  built.stringifyArguments();
  return client.sendCommand(built) as Promise<unknown>;
}
