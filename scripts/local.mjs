#!/usr/bin/env node
/**
 * Runs the project's commands with nothing but Node 20+ and npm, and without
 * touching anything outside the project folder: the pinned pnpm is installed
 * into `.tools/` (not globally), and pnpm's store, cache and state, npm's
 * cache and turbo's settings stay in the project. Telemetry notices and
 * update banners are switched off.
 *
 *   node scripts/local.mjs test          install, build, typecheck, test, lint; print a summary
 *   node scripts/local.mjs demo          the in-memory demo
 *   node scripts/local.mjs demo:redis    the Redis demo
 *   node scripts/local.mjs demo:postgres the PostgreSQL demo
 *   node scripts/local.mjs build [...]   turbo run build with the given turbo arguments
 *   node scripts/local.mjs pack          one .tgz per publishable package into .tools/packs/
 *
 * The test command's summary and its Redis rules are described in docs/development.md.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findRedis, runSummary } from './test-summary.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const tools = join(root, '.tools');
const PNPM_VERSION = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager.replace(/^pnpm@/, '');

/** The recorded store of an existing install is kept: pnpm refuses to mix stores in one node_modules. */
function storeDir() {
  const modules = join(root, 'node_modules', '.modules.yaml');
  if (existsSync(modules)) {
    const recorded = /"?storeDir"?:\s*"?([^"\n]+)"?/.exec(readFileSync(modules, 'utf8'));
    if (recorded) return recorded[1].trim().replace(/,$/, '');
  }
  return join(tools, 'pnpm-store');
}

const env = {
  ...process.env,
  PATH: [join(tools, 'bin'), process.env.PATH].join(delimiter),
  npm_config_cache: join(tools, 'npm-cache'),
  npm_config_update_notifier: 'false',
  npm_config_fund: 'false',
  npm_config_audit: 'false',
  pnpm_config_store_dir: storeDir(),
  pnpm_config_cache_dir: join(tools, 'pnpm-cache'),
  pnpm_config_state_dir: join(tools, 'pnpm-state'),
  pnpm_config_update_notifier: 'false',
  // Whatever else keeps a cache, data or state (biome, pnpm's home, tools that follow XDG) keeps it here too.
  XDG_CACHE_HOME: join(tools, 'cache'),
  XDG_DATA_HOME: join(tools, 'data'),
  XDG_STATE_HOME: join(tools, 'state'),
  PNPM_HOME: join(tools, 'pnpm-home'),
  TURBO_TELEMETRY_DISABLED: '1',
  TURBO_NO_UPDATE_NOTIFIER: '1',
  DO_NOT_TRACK: '1',
};

function sh(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, env, stdio: 'inherit', ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function must(command, args, options) {
  const status = sh(command, args, options);
  if (status !== 0) {
    console.error(`${command} ${args.join(' ')} exited ${status}`);
    process.exit(status);
  }
}

const pnpmEntry = join(tools, 'node_modules', 'pnpm', 'bin', 'pnpm.mjs');

/**
 * The pinned pnpm in .tools/, installed by npm the first time without its
 * install scripts, and a `.tools/bin/pnpm` that runs it: turbo and the
 * package scripts find that one first on PATH.
 */
function ensurePnpm() {
  const manifest = join(tools, 'node_modules', 'pnpm', 'package.json');
  const shim = join(tools, 'bin', 'pnpm');
  if (existsSync(shim) && existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).version === PNPM_VERSION) return;
  mkdirSync(join(tools, 'bin'), { recursive: true });
  console.log(`installing pnpm ${PNPM_VERSION} into .tools/ (once)`);
  must('npm', ['install', '--prefix', tools, '--no-save', '--ignore-scripts', '--loglevel=error', `pnpm@${PNPM_VERSION}`], {
    shell: process.platform === 'win32',
  });
  writeFileSync(shim, `#!/bin/sh\nexec "${process.execPath}" "${pnpmEntry}" "$@"\n`);
  chmodSync(shim, 0o755);
}

function pnpm(args, options) {
  return sh(process.execPath, [pnpmEntry, ...args], options);
}

function install() {
  ensurePnpm();
  const status = pnpm(['install', '--frozen-lockfile', '--reporter=append-only']);
  if (status !== 0) process.exit(status);
}

const [command = 'help', ...rest] = process.argv.slice(2);
switch (command) {
  case 'demo':
  case 'demo:redis':
  case 'demo:postgres':
    install();
    process.exit(pnpm(['run', '--silent', command]));
    break;
  case 'build':
    install();
    process.exit(pnpm(['exec', 'turbo', 'run', 'build', '--output-logs=errors-only', ...rest]));
    break;
  case 'pack': {
    install();
    const packs = join(tools, 'packs');
    rmSync(packs, { recursive: true, force: true });
    const publishable = readdirSync(join(root, 'packages')).filter((dir) => {
      const file = join(root, 'packages', dir, 'package.json');
      return statSync(join(root, 'packages', dir)).isDirectory() && existsSync(file) && !JSON.parse(readFileSync(file, 'utf8')).private;
    });
    must(process.execPath, [pnpmEntry, 'exec', 'turbo', 'run', 'build', '--output-logs=errors-only', ...publishable.map((dir) => `--filter=./packages/${dir}`)]);
    for (const dir of publishable) {
      if (pnpm(['pack', '--pack-destination', packs], { cwd: join(root, 'packages', dir), stdio: 'ignore' }) !== 0) process.exit(1);
    }
    console.log(`packed ${publishable.length} packages into ${packs}`);
    break;
  }
  case 'test': {
    install();
    const redis = await findRedis(env);
    Object.assign(env, redis.env);
    process.exit(await runSummary({ root, env, redis, pnpm }));
    break;
  }
  default:
    console.log('usage: node scripts/local.mjs <test|demo|demo:redis|demo:postgres|build [turbo args]|pack>');
    process.exit(command === 'help' ? 0 : 2);
}
