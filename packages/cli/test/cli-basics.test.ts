import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cleanEnv, cli, STACK_LINE } from './support/cli.js';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

/** The binary without Redis: help, usage errors, and the memory driver's one-process note. */
describe('taskharbor binary (no Redis needed)', () => {
  it('prints help with the commands and exit codes, and its version', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: taskharbor [global flags] <command> [flags]');
    for (const command of ['worker run', 'enqueue', 'list', 'inspect', 'dlq list', 'dlq requeue', 'dlq purge', 'job retry', 'job cancel', 'job remove', 'job promote', 'queue pause', 'queue resume', 'queue purge', 'queues', 'stats', 'dashboard']) {
      expect(help.stdout).toContain(`  ${command} `);
    }
    expect(help.stdout).toMatch(/2 {2}usage error/);
    const listHelp = await cli(['list', '--help']);
    expect(listHelp.code).toBe(0);
    expect(listHelp.stdout).toContain('--status <status>');
    const versionResult = await cli(['--version']);
    expect(versionResult.stdout.trim()).toBe(version);
  });

  it('exits 2 with help on stderr when no command is given, and with one line for an unknown one', async () => {
    const none = await cli([]);
    expect(none.code).toBe(2);
    expect(none.stdout).toBe('');
    expect(none.stderr).toContain('Commands:');
    const unknown = await cli(['lst']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim().split('\n')).toHaveLength(1);
    expect(unknown.stderr).toMatch(/^error: unknown command "lst"; the commands are worker, enqueue, list/);
  });

  it('reports usage errors before connecting anywhere, as one line without a stack trace', async () => {
    const cases: [string[], RegExp][] = [
      [['enqueue', '--type', 'x', '--run-at', 'tomorrow'], /--run-at: "tomorrow" is not a time/],
      [['enqueue', '--type', 'x', '--payload-json', '{"a":'], /--payload-json: not valid JSON/],
      [['enqueue', '--type', 'x', '--payload', 'a', '--payload-json', '1'], /give one of --payload \(a string\), --payload-json \(raw JSON\) or --payload-file/],
      [['enqueue', '--type', 'x', '--payload-json', '1', '--payload-file', 'p.json'], /give one of --payload/],
      [['enqueue', '--type', 'x', '--payload-file', 'no-such-payload.json'], /--payload-file: cannot read no-such-payload\.json \(ENOENT\)/],
      // Unreachable on purpose: the file is read before connecting.
      [['--driver', 'redis', '--redis-url', 'redis://127.0.0.1:1', 'enqueue', '--type', 'x', '--payload-file', 'no-such.json'], /--payload-file: cannot read/],
      [['enqueue', '--payload', 'a'], /--type is required/],
      [['list', '--limit', '5000'], /--limit: expected a whole number from 1 to 1000/],
      [['worker', 'run', '--register', 'x=shout'], /"shout" is not a built-in handler/],
      [['worker', 'run', '--prefetch', '1.5'], /--prefetch: expected a whole number from 0 to 9999, got "1.5"/],
      [['worker', 'run', '--concurrency', '10000', '--prefetch', '1'], /--prefetch: expected a whole number from 0 to 0/],
      [['--prefix', 'p', 'queues'], /--prefix applies only to the Redis driver/],
      // Unreachable on purpose: the usage error must come first.
      [['--driver', 'redis', '--redis-url', 'redis://127.0.0.1:1', 'enqueue', '--type', 'x', '--delay', '10'], /--delay: "10" is not a duration/],
    ];
    for (const [args, message] of cases) {
      const result = await cli(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(STACK_LINE);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('says on stderr that the memory driver cannot see other processes, and still prints the id', async () => {
    const result = await cli(['enqueue', '--type', 'email.send', '--payload', 'hi']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^[0-9A-Z]{26}\n$/);
    expect(result.stderr).toMatch(/note: the memory driver keeps jobs inside one process/);
    const missing = await cli(['inspect', '01JZ3G6Q0M5W4T7X9A2B8C4D6E', '--json']);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toBe('');
    const lines = missing.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/note: the memory driver/);
    expect(JSON.parse(lines[1] as string)).toEqual({
      error: { code: 'JOB_NOT_FOUND', message: 'job 01JZ3G6Q0M5W4T7X9A2B8C4D6E not found in queue default', exitCode: 1 },
    });
  });

  it('colours only when asked and never with NO_COLOR', async () => {
    const forced = await cli(['lst'], cleanEnv({ NO_COLOR: undefined, FORCE_COLOR: '1' }));
    expect(forced.stderr).toContain('\u001b[31merror:\u001b[39m');
    const both = await cli(['lst'], cleanEnv({ NO_COLOR: '1', FORCE_COLOR: '1' }));
    expect(both.stderr).not.toContain('\u001b[');
    const piped = await cli(['lst'], cleanEnv({ NO_COLOR: undefined }));
    expect(piped.stderr).not.toContain('\u001b[');
  });
});
