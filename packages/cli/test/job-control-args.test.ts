import { describe, expect, it } from 'vitest';
import { harness, runWith, withoutJobControl } from './support/harness.js';
import { STACK_LINE } from './support/cli.js';

describe('job-control commands: the command line is checked before the store is touched', () => {
  it('exits 2 with one line naming the problem, and changes nothing', async () => {
    const h = harness();
    const { id } = await h.client.enqueue('report', { n: 1 }, { delayMs: 60_000 });
    const cases: [string[], RegExp][] = [
      [['job', 'cancel'], /^error: missing an argument; usage: taskharbor job cancel <id> \[--reason <text>\]\n$/],
      [['job', 'cancel', id, id], /unexpected argument/],
      [['job', 'remove'], /missing an argument; usage: taskharbor job remove <id>/],
      [['job', 'promote', id, '--now'], /unknown option --now/],
      [['job', 'kill', id], /unknown command "job kill"; job has retry, cancel, remove, promote/],
      [['queue', 'pause', 'emails'], /unexpected argument "emails"; usage: taskharbor queue pause/],
      [['queue', 'stop'], /unknown command "queue stop"; queue has pause, resume, purge/],
      [['queue', 'purge'], /missing --status/],
      [['queue', 'purge', '--status', 'inflight'], /expected one of ready, scheduled, done, dlq, cancelled, got "inflight" \(jobs in flight are never purged; cancel them first\)/],
      [['queue', 'purge', '--status', 'all'], /--status: expected one of ready, scheduled, done, dlq, cancelled, got "all"/],
      [['dlq', 'purge', '--older-than', '7'], /--older-than: "7" is not a duration/],
      [['dlq', 'purge', '--older-than', '0'], /--older-than: must be at least 1ms/],
      [['dlq', 'purge', '--limit', '0'], /--limit: expected a whole number from 1 to/],
      [['dlq', 'purge', '--type', 'a b'], /invalid type: "a b" holds a brace, whitespace or control character/],
      [['dlq', 'requeue', '--all', id], /unexpected argument/],
      [['dlq', 'requeue', '--all', '--delay', '5s'], /--all puts jobs back as ready now; --run-at and --delay apply to one job/],
      [['dlq', 'requeue', id, '--type', 'report'], /--type goes with --all/],
      [['dlq', 'requeue', id, '--limit', '5'], /--limit goes with --all/],
      [['dlq', 'requeue', '--all', '--limit', 'many'], /--limit: expected a whole number/],
      [['list', '--type', 'a{b}'], /invalid type: "a\{b\}" holds a brace/],
      [['list', '--status', 'cancelling'], /--status: expected one of ready, scheduled, inflight, done, dlq, cancelled, all/],
    ];
    for (const [argv, message] of cases) {
      const result = await h.run(...argv);
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.stdout, argv.join(' ')).toBe('');
      expect(result.stderr, argv.join(' ')).toMatch(message);
      expect(result.stderr).not.toMatch(STACK_LINE);
      expect(result.stderr.trim().split('\n'), argv.join(' ')).toHaveLength(1);
    }
    expect(await h.driver.inspect({ queue: 'default', id })).toMatchObject({ status: 'scheduled', attempts: 0 });
    expect(await h.driver.counts('default')).toMatchObject({ ready: 0, scheduled: 1, dlq: 0 });
  });

  it('answers a driver without job control with exit 1 and what it lacks, and leaves the job alone', async () => {
    const h = harness();
    const { id } = await h.client.enqueue('report', { n: 1 }, { delayMs: 60_000 });
    const run = runWith(withoutJobControl(h.driver));
    const cases: [string[], string][] = [
      [['job', 'cancel', id], 'cancel a job'],
      [['job', 'remove', id], 'remove a job'],
      [['job', 'promote', id], 'promote a job'],
      [['queue', 'pause'], 'pause a queue'],
      [['queue', 'resume'], 'resume a queue'],
      [['queue', 'purge', '--status', 'scheduled'], 'purge scheduled jobs'],
      [['dlq', 'purge'], 'purge dead-lettered jobs'],
      [['dlq', 'requeue', '--all'], 'requeue dead-lettered jobs in bulk'],
    ];
    for (const [argv, operation] of cases) {
      const result = await run(...argv);
      expect(result.code, argv.join(' ')).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe(
        `error: the driver given to main(): cannot ${operation}: this driver does not implement job control; use a driver that declares it in its families (every TaskHarbor driver does)\n`,
      );
    }
    const json = await run('job', 'cancel', id, '--json');
    expect(JSON.parse(json.stderr)).toMatchObject({ error: { code: 'UNSUPPORTED', exitCode: 1 } });
    expect(await h.driver.inspect({ queue: 'default', id })).toMatchObject({ status: 'scheduled' });
    // Reading still works on such a driver: counts simply have no paused column.
    const stats = await run('stats');
    expect(stats.code).toBe(0);
    expect(stats.stdout.split('\n')[0]).toBe('QUEUE    READY  SCHEDULED  INFLIGHT  DONE  DLQ  CANCELLED');
  });
});
