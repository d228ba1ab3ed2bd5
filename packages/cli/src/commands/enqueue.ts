import { Client, type EnqueueOptions, MAX_PRIORITY, MIN_PRIORITY, validateGroupName, validateName } from '@taskharbor/core';
import { durationFlag } from '../args/duration.js';
import { metaFlags } from '../args/meta.js';
import { integerFlag } from '../args/numbers.js';
import { payloadFromFlags } from '../args/payload.js';
import { timeFlag } from '../args/time.js';
import type { Command } from './command.js';
import { expectPositionals, usage } from './command.js';

export const enqueueCommand: Command = {
  name: 'enqueue',
  summary: 'Add a job to a queue and print its id',
  usage: '--type <type> [--payload <text> | --payload-json <json> | --payload-file <path>] [flags]',
  help: `Adds one job through the same Client apps use, and prints its id (with
--json: {"id", "existed"}). An idempotency key or job id already stored in
the queue enqueues nothing and prints the first job's id (existed: true).

Flags:
  --type <type>              job type (required)
  --payload <text>           payload as a string; stored as the JSON string "<text>"
  --payload-json <json>      payload as raw JSON: '{"to":"a@b.c"}', 42, '[1,2]'
  --payload-file <path>      payload as JSON read from a file; - reads standard input
  --run-at <time>            run no earlier than: RFC 3339 (2025-06-01T09:30:00Z),
                             unix seconds or unix milliseconds
  --delay <duration>         run after this long: 10s, 5m, 1h30m (not with --run-at)
  --timeout <duration>       how long one run may take (default: no limit)
  --max-attempts <n>         runs allowed before the dead-letter queue (default 25)
  --idempotency-key <key>    dedupe: a second enqueue with this key is a no-op
  --job-id <id>              use this id instead of a generated one
  --priority <n>             lower runs first (default 0; -1000000 to 1000000;
                             a negative one as --priority=-5)
  --group <group>            the job's group, such as a tenant id; groups are
                             served in turn (needs a driver with flow control)
  --meta <key>=<value>       a string header carried to the handler (job.meta),
                             such as traceparent=00-…; repeatable (needs a
                             driver with observability)
  --queue <queue>            the queue (global flag; default "default")

Examples:
  taskharbor --driver redis enqueue --type email.send --payload-json '{"to":"a@b.c"}' --delay 10s
  jq -c . big.json | taskharbor --driver redis enqueue --type report.build --payload-file -`,
  options: {
    type: { type: 'string' },
    payload: { type: 'string' },
    'payload-json': { type: 'string' },
    'payload-file': { type: 'string' },
    'run-at': { type: 'string' },
    delay: { type: 'string' },
    timeout: { type: 'string' },
    'max-attempts': { type: 'string' },
    'idempotency-key': { type: 'string' },
    'job-id': { type: 'string' },
    priority: { type: 'string' },
    group: { type: 'string' },
    meta: { type: 'string', multiple: true },
  },
  async run(ctx) {
    const { args, flags, out } = ctx;
    expectPositionals(ctx, this, 0, 0);
    const type = args.string('type');
    if (type === undefined) throw usage(this, '--type is required');
    validateName('type', type);
    const payloadFlags = { text: args.string('payload'), json: args.string('payload-json'), file: args.string('payload-file') };
    const options: EnqueueOptions = { queue: flags.queue };
    const runAt = args.string('run-at');
    const delay = args.string('delay');
    if (runAt !== undefined && delay !== undefined) throw usage(this, 'give --run-at or --delay, not both');
    if (runAt !== undefined) options.runAt = timeFlag('run-at', runAt);
    if (delay !== undefined) options.delayMs = durationFlag('delay', delay);
    const timeout = args.string('timeout');
    if (timeout !== undefined) options.timeoutMs = durationFlag('timeout', timeout, { min: 1 });
    const maxAttempts = args.string('max-attempts');
    if (maxAttempts !== undefined) options.maxAttempts = integerFlag('max-attempts', maxAttempts, 1);
    const key = args.string('idempotency-key');
    if (key !== undefined) {
      validateName('idempotencyKey', key);
      options.idempotencyKey = key;
    }
    const jobId = args.string('job-id');
    if (jobId !== undefined) {
      validateName('id', jobId);
      options.jobId = jobId;
    }

    const priority = args.string('priority');
    if (priority !== undefined) options.priority = integerFlag('priority', priority, MIN_PRIORITY, MAX_PRIORITY);
    const group = args.string('group');
    if (group !== undefined) {
      validateGroupName(group);
      options.group = group;
    }
    const meta = metaFlags(args.strings('meta'));
    if (meta !== undefined) options.meta = meta;

    // Read after every other flag was checked, so a typo never waits for standard input.
    const payload = await payloadFromFlags(payloadFlags, ctx.io);
    const client = new Client(await ctx.driver());
    const result = await client.enqueue(type, payload, options);
    if (out.json) {
      out.document({ id: result.id, existed: result.existed });
      return 0;
    }
    out.line(result.id);
    if (result.existed) {
      const why = key !== undefined ? `idempotency key ${JSON.stringify(key)}` : `job id ${result.id}`;
      out.note(`queue ${flags.queue} already holds a job with ${why}; nothing was enqueued (the first job's id is printed)`);
    }
    return 0;
  },
};
