import type { Command } from './command.js';
import { COMMANDS, subcommandsOf } from './registry.js';

export const GLOBAL_HELP = `Global flags (before the command; accepted after it too):
  --driver <memory|redis|postgres>
                            where jobs live (default memory; env TASKHARBOR_DRIVER)
  --redis-url <url>         redis://[user:pass@]host:port/db, rediss:// for TLS, or
                            host:port (default env REDIS_URL, then REDIS_ADDR,
                            then localhost:6379)
  --prefix <prefix>         Redis key prefix (default env TASKHARBOR_PREFIX, then
                            taskharbor)
  --database-url <url>      postgres://[user:pass@]host:port/database (default env
                            DATABASE_URL; the Postgres driver needs one)
  --schema <schema>         Postgres schema of the job tables (default env
                            TASKHARBOR_SCHEMA, then taskharbor)
  --queue <queue>           the queue to work on (default "default")
  --json                    machine-readable output: one JSON document
  --verbose                 more detail; stack traces on errors
  -h, --help                help for the command
  --version                 print the version`;

const EXIT_CODES = `Exit codes:
  0  fine
  1  operational failure (unknown job, unreachable store, job in the wrong state)
  2  usage error (unknown flag, malformed time, duration or JSON, missing argument)
  130  worker run forced to stop by a second Ctrl+C`;

/** \`taskharbor --help\`. */
export function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const list = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n');
  return `taskharbor: see and steer TaskHarbor queues

Usage: taskharbor [global flags] <command> [flags]

Commands:
${list}

${GLOBAL_HELP}

The memory driver keeps jobs inside one process, so apart from worker run
(whose --handlers module may enqueue its own jobs) commands on it see an
empty store; use --driver redis or --driver postgres to reach jobs your apps
enqueued.

${EXIT_CODES}

Run taskharbor <command> --help for a command's flags. The README.md shipped in
the @taskharbor/cli package has recipes and says where the full docs are.`;
}

/** \`taskharbor <command> --help\`. */
export function commandHelp(command: Command): string {
  const synopsis = `Usage: taskharbor [global flags] ${command.name} ${command.usage}`.trimEnd();
  return `${synopsis}\n\n${command.summary}.\n\n${command.help}\n\n${GLOBAL_HELP}`;
}

/** \`taskharbor dlq\` without a subcommand. */
export function groupHelp(group: string): string {
  const subs = subcommandsOf(group);
  const width = Math.max(...subs.map((c) => c.name.length));
  return `Usage: taskharbor [global flags] ${group} <${subs.map((c) => c.name.split(' ')[1]).join('|')}> [flags]\n\n${subs
    .map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`)
    .join('\n')}`;
}
