/**
 * Where a waiting TaskHarbor job's Redis memory goes. For each payload
 * (`{"i":<n>}` and 100 bytes of JSON) it enqueues `--jobs` jobs in bulk on
 * a fresh prefix, as the bench's memory scenario does, and prints the growth
 * of `used_memory` (settled, and read at once) per job next to the parts:
 * the job hash (MEMORY USAGE of a sample of hashes, and per field its name
 * and value), the id index entry and the ready list entry (MEMORY USAGE of
 * the whole structure over the jobs; for the id index, its directory and
 * every bucket), the keyspace table's slot, and, from a
 * run with idempotency keys, the idempotency key and the field that names it.
 *
 *   REDIS_URL=redis://127.0.0.1:6394 pnpm --filter @taskharbor/bench probe:memory [--jobs=100000] [--dist=<driver dist dir>]
 *
 * `--dist` measures another build of @taskharbor/driver-redis (a dist
 * directory inside packages/driver-redis, as for probe:ab). Needs a Redis
 * with nothing else writing to it: used_memory is server-wide.
 */
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client } from '@taskharbor/core';
import { RedisDriver } from '@taskharbor/driver-redis';
import { Redis } from 'ioredis';
import { deleteByPrefix, redisTarget, settledUsedMemory, usedMemory } from './redis-stats.js';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const JOBS = Number(arg('jobs') ?? 100_000);
const KEYED_JOBS = Math.min(JOBS, 10_000);
const SAMPLE = 200;
const CHUNK = 1000;
const QUEUE = 'bench';
const dist = arg('dist');
const Driver: typeof RedisDriver =
  dist === undefined
    ? RedisDriver
    : ((await import(pathToFileURL(resolve(dist, 'index.js')).href)) as { RedisDriver: typeof RedisDriver }).RedisDriver;
const target = redisTarget();
const admin = new Redis({ host: target.host, port: target.port, db: target.db });
const runId = Date.now().toString(36);

/** Bytes of one listpack entry holding `value` (Redis stores a decimal integer that fits 64 bits as an integer). */
function listpackEntryBytes(value: string): number {
  let body: number;
  if (/^(0|-?[1-9][0-9]{0,18})$/.test(value) && BigInt(value) <= 9223372036854775807n && BigInt(value) >= -9223372036854775808n) {
    const n = BigInt(value);
    if (n >= 0n && n <= 127n) body = 1;
    else if (n >= -4096n && n <= 4095n) body = 2;
    else if (n >= -32768n && n <= 32767n) body = 3;
    else if (n >= -8388608n && n <= 8388607n) body = 4;
    else if (n >= -2147483648n && n <= 2147483647n) body = 5;
    else body = 9;
  } else {
    const length = Buffer.byteLength(value);
    body = length < 64 ? 1 + length : length < 4096 ? 2 + length : 5 + length;
  }
  // The back-length that lets the listpack be walked backwards: one byte up to 127, then 7 bits per byte.
  const back = body < 128 ? 1 : body < 16384 ? 2 : body < 2097152 ? 3 : 4;
  return body + back;
}

async function memoryUsage(key: string): Promise<number> {
  return Number(await admin.call('MEMORY', 'USAGE', key, 'SAMPLES', '0'));
}

/** Slots of the keyspace's table for `keys` keys: the next power of two (Redis grows the table when it is full). */
function tableSlots(keys: number): number {
  let slots = 4;
  while (slots < keys) slots *= 2;
  return slots;
}

interface Run {
  prefix: string;
  perJobSettled: number;
  perJobAtOnce: number;
  keysAdded: number;
}

async function enqueueRun(prefix: string, payloadOf: (i: number) => unknown, keyOf?: (i: number) => string, jobs = JOBS): Promise<Run> {
  const driver = await Driver.connect({ url: target.url, db: target.db, keyPrefix: prefix });
  const client = new Client(driver);
  await client.enqueue('probe', payloadOf(0), { queue: QUEUE }); // the queue's fixed keys exist before the first reading
  const keysBefore = await admin.dbsize();
  const before = await settledUsedMemory(admin);
  for (let done = 0; done < jobs; done += CHUNK) {
    const n = Math.min(CHUNK, jobs - done);
    await client.enqueueMany(
      Array.from({ length: n }, (_, k) => {
        const i = done + k + 1;
        return { type: 'probe', payload: payloadOf(i), options: keyOf === undefined ? { queue: QUEUE } : { queue: QUEUE, idempotencyKey: keyOf(i) } };
      }),
    );
  }
  const atOnce = await usedMemory(admin);
  const settled = await settledUsedMemory(admin);
  const keysAdded = (await admin.dbsize()) - keysBefore;
  await driver.close();
  return { prefix, perJobSettled: (settled - before) / jobs, perJobAtOnce: (atOnce - before) / jobs, keysAdded };
}

/** The id index's keys: the one sorted set of data models 2 to 7 (`index`), or the directory and its buckets (data model 8 on). */
async function indexKeys(base: string): Promise<string[]> {
  if ((await admin.exists(`${base}index`)) === 1) return [`${base}index`];
  const lows = await admin.zrange(`${base}ids`, 0, -1);
  return [`${base}ids`, ...lows.map((low) => `${base}ids:${low}`)];
}

async function sampleJobKeys(prefix: string, count: number): Promise<string[]> {
  const base = `${prefix}:{${QUEUE}}:`;
  const ids: string[] = [];
  for (const key of (await indexKeys(base)).filter((key) => key !== `${base}ids`)) {
    ids.push(...(await admin.zrange(key, 0, count - ids.length - 1)));
    if (ids.length >= count) break;
  }
  return ids.map((id) => `${base}job:${id}`);
}

const fmt = (n: number) => n.toFixed(1);

async function report(label: string, run: Run, keysBefore: number): Promise<void> {
  const base = `${run.prefix}:{${QUEUE}}:`;
  const keys = await sampleJobKeys(run.prefix, SAMPLE);
  let hashTotal = 0;
  for (const key of keys) hashTotal += await memoryUsage(key);
  const hashAvg = hashTotal / keys.length;
  const sample = keys[Math.floor(keys.length / 2)] as string;
  const encoding = String(await admin.call('OBJECT', 'ENCODING', sample));
  const fields = await admin.hgetall(sample);
  const structures = await indexKeys(base);
  let indexBytes = 0;
  for (const key of structures) indexBytes += await memoryUsage(key);
  const index = indexBytes / JOBS;
  const ready = (await memoryUsage(`${base}ready`)) / JOBS;
  const slots = (8 * (tableSlots(keysBefore + run.keysAdded) - tableSlots(keysBefore))) / JOBS;
  const parts = hashAvg + index + ready + slots;
  console.log(`\n## ${label}`);
  console.log(`used_memory growth per job: settled ${fmt(run.perJobSettled)} B, read at once ${fmt(run.perJobAtOnce)} B`);
  console.log('| part | bytes per job |');
  console.log('| --- | ---: |');
  console.log(`| job hash (MEMORY USAGE, ${encoding}, ${Object.keys(fields).length} fields; key name ${Buffer.byteLength(sample)} B) | ${fmt(hashAvg)} |`);
  console.log(`| id index entry (MEMORY USAGE of the index's ${structures.length} keys / jobs) | ${fmt(index)} |`);
  console.log(`| ready list entry (MEMORY USAGE of the list / jobs) | ${fmt(ready)} |`);
  console.log(`| keyspace table slots (8 B each, grown to a power of two, over the jobs) | ${fmt(slots)} |`);
  console.log(`| sum of the parts | ${fmt(parts)} |`);
  console.log(`| rest (allocator, other growth) | ${fmt(run.perJobSettled - parts)} |`);
  if (encoding === 'listpack') {
    console.log('\n| field | name bytes | value | value bytes | listpack bytes (name + value entries) |');
    console.log('| --- | ---: | --- | ---: | ---: |');
    let sum = 7; // the listpack's header (6) and end mark (1)
    for (const [name, value] of Object.entries(fields)) {
      const bytes = listpackEntryBytes(name) + listpackEntryBytes(value);
      sum += bytes;
      const shown = value.length > 24 ? `${value.slice(0, 21)}…` : value;
      console.log(`| ${name} | ${Buffer.byteLength(name)} | \`${shown}\` | ${Buffer.byteLength(value)} | ${bytes} |`);
    }
    console.log(`listpack total ${sum} B with header and end; the rest of MEMORY USAGE is the allocator's rounding, the key's object (16 B), its dict entry (24 B) and its name`);
  } else {
    // A hash table: each field costs its entry and two strings; measured by taking fields off a copy.
    const scratch = `${run.prefix}:scratch`;
    await admin.hset(scratch, fields);
    let previous = await memoryUsage(scratch);
    console.log('\n| field | name bytes | value bytes | MEMORY USAGE drop when the field goes |');
    console.log('| --- | ---: | ---: | ---: |');
    for (const [name, value] of Object.entries(fields)) {
      if (name === 'payload') continue; // taken last, so the hash stays a hash table
      await admin.hdel(scratch, name);
      const now = await memoryUsage(scratch);
      console.log(`| ${name} | ${Buffer.byteLength(name)} | ${Buffer.byteLength(value)} | ${previous - now} |`);
      previous = now;
    }
    await admin.del(scratch);
  }
}

console.log(`# TaskHarbor memory per waiting job: ${JOBS.toLocaleString('en')} jobs, driver ${dist ?? 'workspace build'}, load ${loadavg().map((n) => n.toFixed(2)).join(' ')}`);
const small = await enqueueRun(`probe-mem-${runId}-i`, (i) => ({ i }));
await report('payload {"i":<n>}', small, (await admin.dbsize()) - small.keysAdded);
await deleteByPrefix(admin, `${small.prefix}:`);
const padded = await enqueueRun(`probe-mem-${runId}-p`, () => ({ pad: 'x'.repeat(91) }));
await report('payload of 100 bytes', padded, (await admin.dbsize()) - padded.keysAdded);
await deleteByPrefix(admin, `${padded.prefix}:`);

// Idempotency keys: the same small payload with a key each, against the run without.
const keyed = await enqueueRun(`probe-mem-${runId}-k`, (i) => ({ i }), (i) => `order-${i}`, KEYED_JOBS);
const keyedBase = `${keyed.prefix}:{${QUEUE}}:`;
const keyedSample = await sampleJobKeys(keyed.prefix, SAMPLE);
let keyedHash = 0;
let idemKey = 0;
for (const key of keyedSample) {
  keyedHash += await memoryUsage(key);
  const idem = await admin.hget(key, 'idempotency_key');
  if (idem !== null) idemKey += await memoryUsage(`${keyedBase}idem:${idem}`);
}
console.log(`\n## idempotency key (${KEYED_JOBS.toLocaleString('en')} jobs with keys order-<i>)`);
console.log(`used_memory growth per job: settled ${fmt(keyed.perJobSettled)} B (${fmt(keyed.perJobSettled - small.perJobSettled)} B over the run without keys)`);
console.log(`job hash with its idempotency_key field: ${fmt(keyedHash / keyedSample.length)} B; idempotency key (string holding the job id, MEMORY USAGE): ${fmt(idemKey / keyedSample.length)} B`);
await deleteByPrefix(admin, `${keyed.prefix}:`);
admin.disconnect();
