import { CATCH_UP_POLICIES, type CatchUpPolicy, Client, type ScheduleDefinition } from '@taskharbor/core';
import { durationFlag } from '../args/duration.js';
import { integerFlag } from '../args/numbers.js';
import { payloadFromFlags } from '../args/payload.js';
import { timeFlag } from '../args/time.js';
import { describeTime } from '../output/time.js';
import type { Command, CommandContext } from './command.js';
import { expectPositionals, usage } from './command.js';
import { schedulesDriver } from './schedule-access.js';

/** The definition the flags describe, every flag checked before anything is read or opened. */
function definitionFrom(command: Command, ctx: CommandContext): Omit<ScheduleDefinition, 'payload'> {
  const { args } = ctx;
  const type = args.string('type');
  if (type === undefined) throw usage(command, '--type is required');
  const cron = args.string('cron');
  const every = args.string('every');
  if ((cron === undefined) === (every === undefined)) throw usage(command, 'give --cron or --every, exactly one of them');
  const definition: Omit<ScheduleDefinition, 'payload'> = { type, queue: ctx.flags.queue };
  if (cron !== undefined) definition.cron = cron;
  if (every !== undefined) definition.everyMs = durationFlag('every', every, { min: 1 });
  const timezone = args.string('timezone');
  if (timezone !== undefined) definition.timezone = timezone;
  const startAt = args.string('start-at');
  if (startAt !== undefined) definition.startAt = timeFlag('start-at', startAt);
  const endAt = args.string('end-at');
  if (endAt !== undefined) definition.endAt = timeFlag('end-at', endAt);
  const limit = args.string('limit');
  if (limit !== undefined) definition.limit = integerFlag('limit', limit, 1);
  const catchUp = args.string('catch-up');
  if (catchUp !== undefined) {
    if (!CATCH_UP_POLICIES.includes(catchUp as CatchUpPolicy)) throw usage(command, `--catch-up: expected ${CATCH_UP_POLICIES.join(', ')}, got ${JSON.stringify(catchUp)}`);
    definition.catchUp = catchUp as CatchUpPolicy;
  }
  const jobOptions: NonNullable<ScheduleDefinition['jobOptions']> = {};
  const maxAttempts = args.string('max-attempts');
  if (maxAttempts !== undefined) jobOptions.maxAttempts = integerFlag('max-attempts', maxAttempts, 1);
  const timeout = args.string('timeout');
  if (timeout !== undefined) jobOptions.timeoutMs = durationFlag('timeout', timeout, { min: 1 });
  if (Object.keys(jobOptions).length > 0) definition.jobOptions = jobOptions;
  return definition;
}

const WHAT_HAPPENED = { created: 'created', replaced: 'replaced', unchanged: 'kept (same definition)' } as const;

export const scheduleSetCommand: Command = {
  name: 'schedule set',
  summary: 'Create or replace a schedule',
  usage: '<name> --type <type> (--cron <expr> | --every <duration>) [flags]',
  help: `Creates the schedule <name>, or replaces it, through the same
client.schedule() apps use: from then on each tick enqueues one job of
--type in --queue, whichever worker serves that queue. A definition equal to
the stored one changes nothing; a changed one replaces the pending
occurrence at once (no tick of the old cadence runs after this returns). A
bad cron expression, an unknown time zone, --every below 100ms or --end-at
before --start-at: exit 2, nothing stored. With --json: {"name", "queue",
"status" (created, replaced or unchanged), "nextRunAt"}.

Flags:
  --type <type>              job type of each occurrence (required)
  --cron <expr>              5 fields, or 6 with seconds first: "0 3 * * *", "*/10 * * * * *"
  --every <duration>         a fixed interval instead: 30s, 5m, 1h (at least 100ms)
  --timezone <zone>          IANA zone the cron reads wall-clock times in (default UTC)
  --payload <text>           payload as a string
  --payload-json <json>      payload as raw JSON
  --payload-file <path>      payload as JSON read from a file; - reads standard input
  --start-at <time>          no tick before (RFC 3339, unix seconds or milliseconds)
  --end-at <time>            no tick after
  --limit <n>                stop after n ticks made jobs
  --catch-up <policy>        ticks missed while no worker ran: latest (default), none, all
  --max-attempts <n>         runs allowed per occurrence (default 25)
  --timeout <duration>       how long one run may take (default: no limit)
  --queue <queue>            the queue (global flag; default "default")

Examples:
  taskharbor --driver redis schedule set nightly-report --type report.build --cron "0 3 * * *" --timezone Europe/Berlin
  taskharbor --driver redis --queue maintenance schedule set prune --type sessions.prune --every 5m --catch-up none`,
  options: {
    type: { type: 'string' },
    cron: { type: 'string' },
    every: { type: 'string' },
    timezone: { type: 'string' },
    payload: { type: 'string' },
    'payload-json': { type: 'string' },
    'payload-file': { type: 'string' },
    'start-at': { type: 'string' },
    'end-at': { type: 'string' },
    limit: { type: 'string' },
    'catch-up': { type: 'string' },
    'max-attempts': { type: 'string' },
    timeout: { type: 'string' },
  },
  async run(ctx) {
    const [name] = expectPositionals(ctx, this, 1, 1) as [string];
    const definition = definitionFrom(this, ctx);
    const payload = await payloadFromFlags(
      { text: ctx.args.string('payload'), json: ctx.args.string('payload-json'), file: ctx.args.string('payload-file') },
      ctx.io,
    );
    const client = new Client(await schedulesDriver(ctx, 'set a schedule'));
    const { status, nextRunAt } = await client.schedule(name, { ...definition, payload });
    if (ctx.out.json) {
      ctx.out.document({ name, queue: ctx.flags.queue, status, nextRunAt: nextRunAt ?? null });
      return 0;
    }
    const next = nextRunAt === undefined ? 'no tick to come (its end has passed)' : `next run ${describeTime(nextRunAt, Date.now())}`;
    ctx.out.line(`${WHAT_HAPPENED[status]} schedule ${name} in queue ${ctx.flags.queue}: ${next}`);
    return 0;
  },
};
