/**
 * Restarting the PostgreSQL server the tests use, with Debian's
 * postgresql-common tools: `pg_lsclusters` finds the local cluster whose data
 * directory is the server's own (so only the very server behind
 * DATABASE_URL is ever restarted), and `pg_ctlcluster
 * --skip-systemctl-redirect <version> <name> restart` restarts it (default
 * fast mode: sessions are ended, committed work is kept).
 *
 * The restart runs in a process group of its own, so a test runner killed
 * meanwhile does not stop it halfway; `ensureUp` waits for it, and starts
 * the cluster when it is not online, so the tests leave the server up.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { userInfo } from 'node:os';
import type pg from 'pg';
import { type Env, openPool, postgresEnv } from './postgres-env.js';

export interface LocalCluster {
  version: string;
  name: string;
  port: number;
  dataDirectory: string;
}

export type ClusterLookup = { ok: true; cluster: LocalCluster } | { ok: false; why: string };

/** Whether a command runs at all (found on PATH and executable). */
function runs(command: string, args: readonly string[]): boolean {
  const result = spawnSync(command, args, { stdio: 'ignore' });
  return result.error === undefined;
}

interface ClusterLine extends LocalCluster {
  status: string;
  owner: string;
}

function listClusters(): ClusterLine[] {
  const result = spawnSync('pg_lsclusters', ['--no-header'], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`pg_lsclusters failed: ${result.stderr}`);
  return result.stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields.length >= 6)
    .map(([version, name, port, status, owner, dataDirectory]) => ({
      version: version as string,
      name: name as string,
      port: Number(port),
      status: status as string,
      owner: owner as string,
      dataDirectory: dataDirectory as string,
    }));
}

/**
 * The local cluster that serves `pool`, and that this process may restart;
 * or why there is none (no postgresql-common tools, a server elsewhere, a
 * user who is neither root nor the cluster's owner).
 */
export async function findLocalCluster(pool: pg.Pool): Promise<ClusterLookup> {
  if (!runs('pg_lsclusters', ['--help']) || !runs('pg_ctlcluster', ['--help'])) {
    return { ok: false, why: 'pg_lsclusters / pg_ctlcluster (postgresql-common) are not on PATH' };
  }
  let dataDirectory: string;
  try {
    const { rows } = await pool.query<{ data_directory: string }>('SHOW data_directory');
    dataDirectory = rows[0]?.data_directory ?? '';
  } catch (error) {
    return { ok: false, why: `SHOW data_directory failed (${(error as Error).message}); the test needs a superuser or pg_read_all_settings` };
  }
  const cluster = listClusters().find((line) => line.dataDirectory === dataDirectory);
  if (cluster === undefined) return { ok: false, why: `no local cluster (pg_lsclusters) has the server's data directory ${dataDirectory}` };
  const user = userInfo();
  if (user.uid !== 0 && user.username !== cluster.owner) {
    return { ok: false, why: `pg_ctlcluster must run as root or as the cluster's owner (${cluster.owner}), not ${user.username}` };
  }
  const { version, name, port } = cluster;
  return { ok: true, cluster: { version, name, port, dataDirectory } };
}

/** Looks up the cluster behind DATABASE_URL on a pool of its own; a failure to connect is a reason, not a throw. */
export async function lookUpCluster(): Promise<ClusterLookup> {
  let pool: pg.Pool | undefined;
  try {
    pool = openPool(1);
    return await findLocalCluster(pool);
  } catch (error) {
    return { ok: false, why: (error as Error).message };
  } finally {
    await pool?.end();
  }
}

/** Whether the restart test is wanted at all: PostgreSQL configured or required, and not left out. */
export function restartWanted(env: Env = process.env): boolean {
  return !postgresEnv(env).skip && env.TASKHARBOR_SKIP_POSTGRES_RESTART !== '1';
}

export interface RestartPlan {
  skip: boolean;
  /** Printed when the file loads: why the test is skipped. */
  notice?: string;
  /** The test runs and fails with this: the server cannot be restarted, but PostgreSQL is required. */
  failure?: string;
}

/**
 * What the restart test does. Without DATABASE_URL it skips (unless
 * required), like every PostgreSQL test; TASKHARBOR_SKIP_POSTGRES_RESTART=1
 * leaves it out on purpose. When the server cannot be restarted from here
 * it skips with a notice, unless TASKHARBOR_REQUIRE_POSTGRES=1: then it
 * fails, so a CI machine that lost the tools does not drop the test quietly.
 */
export function restartPlan(env: Env, lookup: ClusterLookup | undefined): RestartPlan {
  if (postgresEnv(env).skip) return { skip: true };
  if (env.TASKHARBOR_SKIP_POSTGRES_RESTART === '1') {
    return { skip: true, notice: 'PostgreSQL restart test left out: TASKHARBOR_SKIP_POSTGRES_RESTART=1' };
  }
  if (lookup === undefined) return { skip: false, failure: 'the server behind DATABASE_URL was not looked up' };
  if (lookup.ok) return { skip: false };
  if (!postgresEnv(env).required) {
    return { skip: true, notice: `PostgreSQL restart test skipped: ${lookup.why} (with TASKHARBOR_REQUIRE_POSTGRES=1 this fails instead)` };
  }
  return {
    skip: false,
    failure: `cannot restart the PostgreSQL server: ${lookup.why}; set TASKHARBOR_SKIP_POSTGRES_RESTART=1 to leave this test out`,
  };
}

let running: Promise<void> | undefined;

/** Runs `pg_ctlcluster --skip-systemctl-redirect <version> <name> <action>` in its own process group. */
function pgCtlCluster(cluster: LocalCluster, action: 'restart' | 'start'): Promise<void> {
  const child: ChildProcess = spawn('pg_ctlcluster', ['--skip-systemctl-redirect', cluster.version, cluster.name, action], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const done = new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`pg_ctlcluster ${cluster.version} ${cluster.name} ${action} exited ${code}: ${output.trim()}`));
    });
  });
  running = done.catch(() => undefined);
  return done;
}

/** Restarts the cluster (fast mode); resolves once pg_ctlcluster says it is back. */
export function restartCluster(cluster: LocalCluster): Promise<void> {
  return pgCtlCluster(cluster, 'restart');
}

/** Waits for a restart under way, then starts the cluster if it is not online. */
export async function ensureUp(cluster: LocalCluster): Promise<void> {
  await running;
  const line = listClusters().find((entry) => entry.version === cluster.version && entry.name === cluster.name);
  if (line?.status !== 'online') await pgCtlCluster(cluster, 'start');
}

/** When the server (postmaster) started: changes with every restart. */
export async function serverStartTime(pool: pg.Pool): Promise<string> {
  const { rows } = await pool.query<{ started: string }>('SELECT pg_postmaster_start_time()::text AS started');
  return rows[0]?.started ?? '';
}
