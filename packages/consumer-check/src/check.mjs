/**
 * The consumer check: what a stranger gets from npm. Packs every publishable
 * package, installs the tarballs with npm into a temporary app outside the
 * workspace (with its own ioredis, another 5.x minor than the workspace's),
 * runs a job through ESM, CommonJS and TypeScript (nodenext, run; bundler,
 * type-checked), scrapes the Prometheus metrics of a job, continues a trace
 * into a job's consumer span, runs the CLI, and
 * runs publint and are-the-types-wrong on every tarball. Any failure exits 1.
 * See docs/development.md.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { tarballFiles } from './tarball.mjs';

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const here = fileURLToPath(new URL('..', import.meta.url));
const packagesDir = join(here, '..');

/** Every package that is published, and the are-the-types-wrong profile it must pass. */
const PACKAGES = [
  { dir: 'core', profile: 'strict' },
  { dir: 'driver-memory', profile: 'strict' },
  { dir: 'driver-redis', profile: 'strict' },
  { dir: 'driver-postgres', profile: 'strict' },
  { dir: 'worker', profile: 'strict' },
  // ESM only, because vitest is.
  { dir: 'testkit', profile: 'esm-only' },
  { dir: 'cli', profile: 'strict' },
  { dir: 'dashboard', profile: 'strict' },
  { dir: 'bull-board', profile: 'strict' },
  { dir: 'prometheus', profile: 'strict' },
  { dir: 'otel', profile: 'strict' },
];

/** Not the workspace's ioredis minor, so the app's client type comes from another copy than the driver was built with. */
const APP_IOREDIS = '5.4.2';
/** Peers are left out of the install, so the app names the prom-client that @taskharbor/prometheus runs on. */
const APP_PROM_CLIENT = '15.1.3';
/** Likewise the OpenTelemetry API that @taskharbor/otel runs on. */
const APP_OTEL_API = '1.9.1';

const started = performance.now();
const failures = [];
function check(name, ok, detail = '') {
  const at = ((performance.now() - started) / 1000).toFixed(1).padStart(5);
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${at} s  ${name}${detail ? `: ${detail}` : ''}`);
  if (!ok) failures.push(name);
}

async function exec(file, args, options) {
  try {
    const { stdout } = await run(file, args, { maxBuffer: 16 * 1024 * 1024, ...options });
    return { ok: true, output: stdout.trim() };
  } catch (error) {
    return { ok: false, output: `${error.stdout ?? ''}${error.stderr ?? ''}`.trim() || String(error) };
  }
}

const work = await mkdtemp(join(tmpdir(), 'taskharbor-consumer-'));
try {
  const packs = join(work, 'packs');
  await mkdir(packs);
  const tarballs = {};
  for (const { dir } of PACKAGES) {
    const manifest = JSON.parse(await readFile(join(packagesDir, dir, 'package.json'), 'utf8'));
    const packed = await exec('pnpm', ['pack', '--pack-destination', packs], { cwd: join(packagesDir, dir) });
    if (!packed.ok) throw new Error(`pnpm pack in packages/${dir} failed:\n${packed.output}`);
    tarballs[manifest.name] = join(packs, `${manifest.name.replace('@', '').replace('/', '-')}-${manifest.version}.tgz`);
  }

  const license = await readFile(join(packagesDir, '..', 'LICENSE'), 'utf8');
  for (const { dir } of PACKAGES) {
    const name = `@taskharbor/${dir}`;
    const files = await tarballFiles(tarballs[name]);
    const missing = ['package/README.md', 'package/LICENSE', 'package/package.json'].filter((file) => !files.has(file));
    check(`${name} ships README.md and LICENSE`, missing.length === 0, missing.join(', '));
    check(`${name} LICENSE is the project's`, files.get('package/LICENSE') === license);
    const readme = files.get('package/README.md') ?? '';
    const relativeLinks = [...readme.matchAll(/\]\((?!https?:|#)([^)]+)\)/g)].map((match) => match[1]);
    check(`${name} README has no links that break in the installed package`, relativeLinks.length === 0, relativeLinks.join(', '));
    const unused = [...files.keys()].filter((file) => file.includes('bin.cjs'));
    check(`${name} ships nothing unused`, unused.length === 0, unused.join(', '));
  }

  const app = join(work, 'app');
  await cp(join(here, 'fixture'), app, { recursive: true });
  const dependencies = Object.fromEntries(Object.entries(tarballs).map(([name, file]) => [name, `file:${file}`]));
  await writeFile(
    join(app, 'package.json'),
    `${JSON.stringify({ name: 'consumer-app', private: true, type: 'module', dependencies: { ...dependencies, ioredis: APP_IOREDIS, 'prom-client': APP_PROM_CLIENT, '@opentelemetry/api': APP_OTEL_API, '@types/node': '^20.19.0' } }, null, 2)}\n`,
  );
  // Peers are left out: the testkit's vitest is not what this app is about.
  const installed = await exec('npm', ['install', '--omit=peer', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', '--ignore-scripts'], { cwd: app });
  check('npm installs the tarballs', installed.ok, installed.ok ? '' : installed.output);
  if (installed.ok) {
    const version = JSON.parse(await readFile(join(app, 'node_modules/ioredis/package.json'), 'utf8')).version;
    const nested = await exec('npm', ['ls', 'ioredis', '--all', '--parseable'], { cwd: app });
    const copies = nested.output.split('\n').filter((line) => line.endsWith('ioredis'));
    check(`one ioredis in the app, the app's ${APP_IOREDIS}`, version === APP_IOREDIS && copies.length === 1, copies.join(', '));

    const tsc = require.resolve('typescript/bin/tsc');
    const steps = [
      ['ESM: a job on the memory driver', process.execPath, ['esm.mjs']],
      ['CommonJS: a job on the memory driver', process.execPath, ['cjs.cjs']],
      ['CommonJS: the dashboard serves its prebuilt page', process.execPath, ['dashboard.cjs']],
      ['CommonJS: Prometheus metrics of a job', process.execPath, ['metrics.cjs']],
      ['CommonJS: an OpenTelemetry consumer span of a job', process.execPath, ['tracing.cjs']],
      ['TypeScript, nodenext resolution: compiles', process.execPath, [tsc, '-p', 'tsconfig.nodenext.json']],
      ['TypeScript, nodenext resolution: a job runs', process.execPath, ['out/app.js']],
      ['TypeScript, bundler resolution: type-checks', process.execPath, [tsc, '-p', 'tsconfig.bundler.json']],
      ['the taskharbor command: --help', process.execPath, ['node_modules/@taskharbor/cli/dist/bin.js', '--help']],
    ];
    for (const [name, file, args] of steps) {
      const result = await exec(file, args, { cwd: app });
      check(name, result.ok, result.ok ? result.output.split('\n').filter((line) => / (memory|redis|dashboard|prometheus|otel): /.test(line)).join('; ') : result.output);
      if (name.includes('--help')) check('--help names no repository path', result.ok && !/docs\//.test(result.output));
    }
    if (!process.env.REDIS_URL) console.log('skip the ESM job on Redis: REDIS_URL is not set');
  }

  const attw = join(require.resolve('@arethetypeswrong/cli/package.json'), '..', 'dist/index.js');
  await Promise.all(
    PACKAGES.map(async ({ dir, profile }) => {
      const name = `@taskharbor/${dir}`;
      const tarball = await readFile(tarballs[name]);
      const { messages } = await publint({ pack: { tarball: tarball.buffer }, level: 'suggestion', strict: true });
      const manifest = JSON.parse((await tarballFiles(tarballs[name])).get('package/package.json'));
      const lines = messages.map((message) => formatMessage(message, manifest) ?? message.code);
      check(`publint ${name}`, messages.length === 0, lines.join('; '));
      const types = await exec(process.execPath, [attw, tarballs[name], '--profile', profile, '--format', 'ascii', '--no-color']);
      check(`are-the-types-wrong ${name} (${profile})`, types.ok, types.ok ? '' : types.output);
    }),
  );
} finally {
  await rm(work, { recursive: true, force: true });
}

const seconds = ((performance.now() - started) / 1000).toFixed(1);
if (failures.length > 0) {
  console.log(`consumer check: ${failures.length} failed (${seconds} s)`);
  process.exit(1);
}
console.log(`consumer check: all passed (${seconds} s)`);
