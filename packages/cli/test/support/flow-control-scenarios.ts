import type { Client, FlowControl } from '@taskharbor/core';
import { expect, it } from 'vitest';
import type { AdminDriver } from '../../src/driver-from-flags.js';
import type { HarnessRun } from './harness.js';

/** A store the commands run against, and a driver on the same store to check what they did. */
export interface FlowStore {
  run(...argv: string[]): Promise<HarnessRun>;
  driver: AdminDriver & FlowControl;
  client: Client;
}

function parse(result: HarnessRun): Record<string, unknown> {
  if (result.code !== 0) throw new Error(`exit ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

/**
 * The flow-control commands end to end, written once and run against every
 * store (in this process on the memory driver, the built binary on Redis).
 * Each case works in queues of its own.
 */
export function flowControlScenarios(store: () => FlowStore): void {
  it('queue limits shows, sets, keeps and clears limits; bad values exit 2 and change nothing', async () => {
    const { run, driver } = store();
    const Q = ['--queue', 'limited'];
    expect(await run(...Q, 'queue', 'limits')).toEqual({
      code: 0,
      stdout: 'queue limited has limits: none; each group by default: none\n',
      stderr: '',
    });
    expect((await run(...Q, 'queue', 'limits', '--concurrency', '20', '--rate', '100/1s')).stdout).toBe(
      'queue limited now limits: concurrency 20, rate 100/1s; each group by default: none\n',
    );
    expect((await driver.flowState('limited')).limits).toEqual({ concurrency: 20, rate: { max: 100, perMs: 1000 } });

    // A flag not given keeps its value; none clears one.
    expect(parse(await run(...Q, '--json', 'queue', 'limits', '--rate', 'none'))).toEqual({
      queue: 'limited',
      limits: { concurrency: 20 },
      groupDefaults: {},
      heldUntil: null,
      changed: true,
    });
    for (const bad of [['--concurrency', '0'], ['--rate', '100'], ['--rate', '0/1s'], ['--concurrency', '1.5']]) {
      const refused = await run(...Q, 'queue', 'limits', ...bad);
      expect(refused.code, bad.join(' ')).toBe(2);
    }
    expect((await driver.flowState('limited')).limits).toEqual({ concurrency: 20 });
    expect((await driver.flowState('other')).limits).toEqual({});
  });

  it('group limits sets the defaults and one group override, and shows a group', async () => {
    const { run, driver, client } = store();
    const Q = ['--queue', 'tenants'];
    expect((await run(...Q, 'group', 'limits', '--concurrency', '2')).stdout).toBe('every group of queue tenants now gets: concurrency 2\n');
    expect((await run(...Q, 'group', 'limits', 'acme', '--concurrency', '10', '--rate', '600/1m')).stdout).toBe(
      'group acme of queue tenants: limits concurrency 10, rate 600/1m (own override: concurrency 10, rate 600/1m); 0 running\n',
    );
    expect(await driver.groupState('tenants', 'acme')).toMatchObject({ overrides: { concurrency: 10, rate: { max: 600, perMs: 60_000 } } });

    await client.enqueue('sync', {}, { queue: 'tenants', group: 'beta' });
    await driver.reserve({ queue: 'tenants', limit: 1, leaseMs: 60_000, now: Date.now() });
    expect(parse(await run(...Q, '--json', 'group', 'limits', 'beta'))).toMatchObject({
      queue: 'tenants',
      group: 'beta',
      overrides: {},
      effective: { concurrency: 2 },
      paused: false,
      inflight: 1,
      changed: false,
    });
    // none on a group falls back to the default.
    await run(...Q, 'group', 'limits', 'acme', '--concurrency', 'none', '--rate', 'none');
    expect(await driver.groupState('tenants', 'acme')).toMatchObject({ overrides: {}, effective: { concurrency: 2 } });
    expect((await run(...Q, 'group', 'limits', 'a b')).code).toBe(2);
  });

  it('group pause and resume are stored, idempotent and say what changed', async () => {
    const { run, driver } = store();
    const Q = ['--queue', 'pausing'];
    expect((await run(...Q, 'group', 'pause', 'acme')).stdout).toBe(
      'paused group acme of queue pausing: its jobs wait until taskharbor group resume; 0 running finish\n',
    );
    expect((await driver.groupState('pausing', 'acme')).paused).toBe(true);
    expect((await run(...Q, 'group', 'pause', 'acme')).stdout).toBe('group acme of queue pausing was already paused; nothing changed\n');
    expect(parse(await run(...Q, '--json', 'group', 'resume', 'acme'))).toEqual({ queue: 'pausing', group: 'acme', paused: false, wasPaused: true });
    expect((await driver.groupState('pausing', 'acme')).paused).toBe(false);
    expect((await run(...Q, 'group', 'pause')).code).toBe(2);
  });

  it('enqueue --priority and --group store them, and inspect shows them', async () => {
    const { run, driver } = store();
    const Q = ['--queue', 'ordered'];
    const id = (await run(...Q, 'enqueue', '--type', 'sync', '--priority=-5', '--group', 'acme')).stdout.trim();
    expect(await driver.inspect({ queue: 'ordered', id })).toMatchObject({ priority: -5, group: 'acme' });
    const shown = await run(...Q, 'inspect', id);
    expect(shown.stdout).toMatch(/^priority +-5$/m);
    expect(shown.stdout).toMatch(/^group +acme$/m);
    expect(parse(await run(...Q, 'inspect', id, '--json'))).toMatchObject({ priority: -5, group: 'acme', snoozes: 0 });
    expect((await run(...Q, 'enqueue', '--type', 'sync', '--priority', '1000001')).code).toBe(2);
    expect((await run(...Q, 'enqueue', '--type', 'sync', '--group', 'a{b}')).code).toBe(2);
  });
}
