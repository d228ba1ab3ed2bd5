import { randomBytes } from 'node:crypto';
import type { Client, Schedules } from '@taskharbor/core';
import { expect, it } from 'vitest';
import type { AdminDriver } from '../../src/driver-from-flags.js';
import type { HarnessRun } from './harness.js';

/** A store the schedule commands run against, and a driver on the same store to check what they did. */
export interface ScheduleStore {
  run(...argv: string[]): Promise<HarnessRun>;
  driver: AdminDriver & Schedules;
  client: Client;
}

function parse(result: HarnessRun): Record<string, unknown> {
  if (result.code !== 0) throw new Error(`exit ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

/** A schedule name and a queue no other case uses, for stores shared between cases. */
function fresh(): { name: string; queue: string } {
  const tag = randomBytes(4).toString('hex');
  return { name: `nightly-${tag}`, queue: `sched-${tag}` };
}

/**
 * The schedule commands end to end, written once to run against every store
 * that keeps schedules (in this process on the memory driver through main()).
 */
export function scheduleScenarios(store: () => ScheduleStore): void {
  it('sets, lists, keeps an unchanged definition and replaces a changed one', async () => {
    const { run, driver } = store();
    const { name, queue } = fresh();
    const Q = ['--queue', queue];
    const created = await run(...Q, 'schedule', 'set', name, '--type', 'report.build', '--cron', '0 3 * * *', '--timezone', 'Europe/Berlin', '--payload-json', '{"kind":"daily"}');
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(new RegExp(`^created schedule ${name} in queue ${queue}: next run \\S+T\\S+Z \\(in \\S+\\)\\n$`));
    const stored = await driver.getSchedule(name);
    expect(stored).toMatchObject({ queue, type: 'report.build', cron: '0 3 * * *', timezone: 'Europe/Berlin', catchUp: 'latest', runs: 0 });

    const again = parse(await run(...Q, '--json', 'schedule', 'set', name, '--type', 'report.build', '--cron', '0 3 * * *', '--timezone', 'Europe/Berlin', '--payload-json', '{"kind":"daily"}'));
    expect(again).toEqual({ name, queue, status: 'unchanged', nextRunAt: stored?.nextRunAt });
    const kept = await run(...Q, 'schedule', 'set', name, '--type', 'report.build', '--cron', '0 3 * * *', '--timezone', 'Europe/Berlin', '--payload-json', '{"kind":"daily"}');
    expect(kept.stdout).toMatch(new RegExp(`^kept \\(same definition\\) schedule ${name}`));

    const replaced = parse(await run(...Q, '--json', 'schedule', 'set', name, '--type', 'report.build', '--every', '5m', '--catch-up', 'none', '--limit', '10', '--max-attempts', '2', '--timeout', '30s'));
    expect(replaced).toMatchObject({ name, status: 'replaced' });
    expect(await driver.getSchedule(name)).toMatchObject({ everyMs: 300_000, catchUp: 'none', limit: 10, maxAttempts: 2, timeoutMs: 30_000 });

    const listed = parse(await run(...Q, '--json', 'schedule', 'list'));
    expect(listed.schedules).toEqual([
      expect.objectContaining({ name, queue, cron: null, everyMs: 300_000, state: 'active', paused: false, runs: 0, limit: 10, payload: null, nextRunAt: expect.any(Number) }),
    ]);
    const text = await run(...Q, 'schedule', 'list');
    expect(text.stdout.split('\n')[0]).toMatch(/^NAME\s+QUEUE\s+TYPE\s+CADENCE\s+NEXT RUN\s+LAST RUN\s+RUNS\s+STATE\s+PAYLOAD$/);
    expect(text.stdout).toMatch(new RegExp(`^${name} +${queue} +report\\.build +every 5m +in \\S+ +- +0/10 +active +\\(none\\)$`, 'm'));
    const elsewhere = parse(await run('--queue', `${queue}-other`, '--json', 'schedule', 'list'));
    expect(elsewhere.schedules).toEqual([]);
  });

  it('refuses a bad definition with exit 2 and stores nothing', async () => {
    const { run, driver } = store();
    const { name, queue } = fresh();
    const set = (...flags: string[]) => run('--queue', queue, 'schedule', 'set', name, ...flags);
    const cases: [string[], RegExp][] = [
      [['--cron', '* * * * *'], /--type is required/],
      [['--type', 't'], /give --cron or --every/],
      [['--type', 't', '--cron', '* * * * *', '--every', '5m'], /give --cron or --every/],
      [['--type', 't', '--cron', '* * *'], /invalid cron: /],
      [['--type', 't', '--cron', '* * * * *', '--timezone', 'Mars/Olympus'], /invalid timezone: unknown time zone/],
      [['--type', 't', '--every', '10ms'], /invalid everyMs: 10 ms is below the minimum of 100 ms/],
      [['--type', 't', '--every', '5'], /--every: "5" is not a duration/],
      [['--type', 't', '--every', '1m', '--start-at', '2030-01-02T00:00:00Z', '--end-at', '2030-01-01T00:00:00Z'], /invalid endAt: /],
      [['--type', 't', '--every', '1m', '--catch-up', 'some'], /--catch-up: expected latest, none, all/],
    ];
    for (const [flags, message] of cases) {
      const result = await set(...flags);
      expect({ flags, code: result.code }).toEqual({ flags, code: 2 });
      expect(result.stderr).toMatch(message);
    }
    expect(await driver.getSchedule(name)).toBeUndefined();
    expect(await driver.counts(queue)).toMatchObject({ ready: 0, scheduled: 0 });
  });

  it('triggers, pauses, resumes and removes, and answers an unknown name with exit 1', async () => {
    const { run, driver } = store();
    const { name, queue } = fresh();
    expect((await run('--queue', queue, 'schedule', 'set', name, '--type', 'tick', '--every', '1h', '--payload', 'hi')).code).toBe(0);

    const triggered = await run('schedule', 'trigger', name);
    expect(triggered.code).toBe(0);
    const id = triggered.stdout.trim();
    expect(id.startsWith(`${name}@trigger-`)).toBe(true);
    const job = await driver.inspect({ queue, id });
    expect(job).toMatchObject({ status: 'ready', schedule: name, type: 'tick' });
    const inspected = parse(await run('--queue', queue, 'inspect', id, '--json'));
    expect(inspected).toMatchObject({ id, payload: 'hi' });

    expect(await run('schedule', 'pause', name)).toEqual({ code: 0, stdout: `paused schedule ${name}: its ticks make no jobs until taskharbor schedule resume\n`, stderr: '' });
    expect(parse(await run('--json', 'schedule', 'pause', name))).toEqual({ name, paused: true, wasPaused: true });
    expect((await run('--queue', queue, 'schedule', 'list')).stdout).toMatch(new RegExp(`^${name} .* paused +"hi"$`, 'm'));
    expect(await run('schedule', 'resume', name)).toEqual({ code: 0, stdout: `resumed schedule ${name}: its ticks make jobs again\n`, stderr: '' });
    expect((await run('schedule', 'resume', name)).stdout).toBe(`schedule ${name} was already running; nothing changed\n`);

    expect(parse(await run('--json', 'schedule', 'remove', name))).toEqual({ name, removed: true });
    expect(await driver.getSchedule(name)).toBeUndefined();
    expect(await driver.counts(queue)).toMatchObject({ scheduled: 0, ready: 1 });

    for (const command of ['remove', 'trigger', 'pause', 'resume']) {
      const result = await run('--json', 'schedule', command, name);
      expect({ command, code: result.code }).toEqual({ command, code: 1 });
      expect(JSON.parse(result.stderr)).toMatchObject({ error: { code: 'SCHEDULE_NOT_FOUND', exitCode: 1 } });
    }
    expect(await run('schedule', 'remove')).toMatchObject({ code: 2 });
  });
}
