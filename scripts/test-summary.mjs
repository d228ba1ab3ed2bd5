/**
 * The test command's two halves beyond running turbo: which Redis the tests
 * use (REDIS_URL, else REDIS_ADDR, else one answering on localhost:6379), and
 * the summary at the end: every test task that ran, its counts, what was
 * skipped and why, and where each task's full output is.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';

/** Answers the first line Redis sends back to a PING on host:port, or undefined. */
function ping(host, port) {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let reply = '';
    const finish = (value) => {
      socket.destroy();
      resolve(value);
    };
    socket.setTimeout(1000, () => finish(undefined));
    socket.on('error', () => finish(undefined));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('utf8');
      if (reply.includes('\r\n')) finish(reply.split('\r\n')[0]);
    });
  });
}

function hasRedisServer(env) {
  const result = spawnSync('redis-server', ['--version'], { env, stdio: 'ignore' });
  return result.status === 0;
}

/**
 * Which Redis the tests use, the variables that tell them, and why Redis
 * suites are skipped when there is none.
 */
export async function findRedis(env) {
  const found = { env: {}, skipped: [] };
  if (env.REDIS_URL || env.REDIS_ADDR) {
    found.description = env.REDIS_URL ? 'REDIS_URL' : 'REDIS_ADDR';
  } else {
    const reply = await ping('127.0.0.1', 6379);
    if (reply === '+PONG') {
      found.description = 'redis://127.0.0.1:6379 (REDIS_URL is unset; a Redis answered on localhost:6379)';
      found.env.REDIS_URL = 'redis://127.0.0.1:6379';
    } else {
      const why = reply === undefined ? 'nothing answers on localhost:6379' : `localhost:6379 answered ${reply}`;
      found.skipped.push({
        what: 'every Redis suite (driver-redis, cli, prometheus, reliability, bench, the consumer check’s Redis job)',
        why: `REDIS_URL is unset and ${why}; start one (docker compose up -d redis) or set REDIS_URL`,
      });
    }
  }
  if (found.description !== undefined && !hasRedisServer(env)) {
    found.env.TASKHARBOR_SKIP_REDIS_CLUSTER = '1';
    found.skipped.push({
      what: 'the Redis Cluster suite (driver-redis) and the Redis restart fault test (reliability)',
      why: 'they start redis-server processes of their own, and redis-server is not on PATH',
    });
  }
  if (!hasChromium(env)) {
    found.skipped.push({
      what: 'the browser suites (packages/dashboard/test/browser.test.ts, packages/bull-board/test/board.test.ts)',
      why: 'no Chromium: install Debian\'s chromium (apt-get install chromium) or set CHROMIUM_PATH',
    });
  }
  return found;
}

/** The Chromium the dashboard's browser tests drive (the same search as test/support/browser-env.ts). */
function hasChromium(env) {
  if (env.CHROMIUM_PATH) return true;
  return ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].some((path) => existsSync(path));
}

/** Colour codes, which vitest writes even into turbo's log files. */
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/** The counts a task's log ends with: vitest's "Tests …" line, or a line of the task's own. */
function countsFrom(logFile) {
  let text;
  try {
    text = readFileSync(logFile, 'utf8').replace(ANSI, '');
  } catch {
    return '';
  }
  const tests = [...text.matchAll(/^\S*\s*Tests\s+(.+?)\s*$/gm)].map((match) => match[1]);
  if (tests.length > 0) return tests.join('; ');
  const own = [...text.matchAll(/^\S*\s*((?:consumer check|bench --quick)[^\n]*)$/gm)].map((match) => match[1]);
  const bench = [...text.matchAll(/ wrote (\S+)$/gm)].map((match) => `tables in ${match[1]}`);
  return own.at(-1) ?? bench.at(-1) ?? '';
}

/**
 * The lines of a failed task's log that say what failed: vitest's FAIL headers
 * and the error under each, at most `limit` lines, so the end of a CI log names
 * the failing test even when only its tail is kept.
 */
function failuresFrom(logFile, limit = 40) {
  let lines;
  try {
    lines = readFileSync(logFile, 'utf8').replace(ANSI, '').split('\n');
  } catch {
    return [];
  }
  const picked = [];
  for (let i = 0; i < lines.length && picked.length < limit; i += 1) {
    const line = lines[i].replace(/^\S+:test:\s?/, '');
    if (!/^\s*FAIL\s/.test(line) && !/^\s*(×|✗)\s/.test(line)) continue;
    picked.push(line.trimEnd());
    for (let j = i + 1; j < Math.min(lines.length, i + 6); j += 1) {
      const next = lines[j].replace(/^\S+:test:\s?/, '').trimEnd();
      if (/^\s*(FAIL|×|✓)\s/.test(next)) break;
      if (/Error|expected|timed out/i.test(next)) picked.push(`    ${next.trim()}`);
    }
  }
  return picked;
}

function newestRunSummary(root) {
  const dir = join(root, '.turbo', 'runs');
  const files = readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .map((file) => join(dir, file))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  return JSON.parse(readFileSync(files[0], 'utf8'));
}

/** Runs build, typecheck and test through turbo, then Biome, and prints the summary; resolves to the exit code. */
export async function runSummary({ root, env, redis, pnpm }) {
  console.log(`Redis for the tests: ${redis.description ?? 'none'}`);
  console.log('building, type-checking and testing every package; each task writes its full output to <package>/.turbo/turbo-<task>.log');
  const turboStatus = pnpm(['exec', 'turbo', 'run', 'build', 'typecheck', 'test', '--output-logs=errors-only', '--continue', '--summarize']);
  const lint = spawnSync(process.execPath, [join(root, 'node_modules', '@biomejs', 'biome', 'bin', 'biome'), 'check', '.'], {
    cwd: root,
    env,
    encoding: 'utf8',
  });

  const summary = newestRunSummary(root);
  const tests = summary.tasks.filter((task) => task.task === 'test').sort((a, b) => a.package.localeCompare(b.package));
  const width = Math.max(...tests.map((task) => task.package.length));
  console.log('\nTest summary');
  for (const task of tests) {
    const code = task.execution?.exitCode;
    const state = code === 0 ? (task.cache?.status === 'HIT' ? 'passed (cached)' : 'passed') : code === undefined ? 'not run' : `FAILED (exit ${code})`;
    const counts = countsFrom(join(root, task.logFile));
    console.log(`  ${state.padEnd(15)} ${task.package.padEnd(width)}  ${counts}`);
    if (code !== 0 && code !== undefined) {
      console.log(`  ${''.padEnd(15)} ${''.padEnd(width)}  full output: ${task.logFile}`);
      for (const line of failuresFrom(join(root, task.logFile))) console.log(`  ${''.padEnd(15)} ${''.padEnd(width)}    ${line}`);
    }
  }
  const otherFailures = summary.tasks.filter((task) => task.task !== 'test' && task.execution?.exitCode !== 0 && task.execution?.exitCode !== undefined);
  for (const task of otherFailures) console.log(`  FAILED          ${task.taskId}  full output: ${task.logFile}`);
  if (redis.skipped.length === 0) console.log('  skipped: nothing');
  for (const skip of redis.skipped) console.log(`  skipped: ${skip.what}: ${skip.why}`);
  console.log(`  lint (biome check .): ${lint.status === 0 ? 'clean' : 'FAILED'}`);
  if (lint.status !== 0) console.log(`${lint.stdout}${lint.stderr}`);
  const failed = turboStatus !== 0 || lint.status !== 0;
  console.log(failed ? '\nFAILED' : '\nall passed');
  return failed ? 1 : 0;
}
