import { Client, RetryPolicy } from '@taskharbor/core';
import { Worker } from '@taskharbor/worker';
import { formatDurationMs } from '../args/duration.js';
import { BUILTIN_NAMES, type BuiltinName, builtinHandler } from '../builtin-handlers.js';
import { ExitCode, OperationalError, UsageError } from '../errors.js';
import { type HandlersModule, loadHandlersModule } from '../handlers-module.js';
import { formatTally, RateMeter, StatusLine } from '../status-line.js';
import type { Command } from './command.js';
import { expectPositionals } from './command.js';
import { readWorkerSettings, WORKER_RUN_OPTIONS } from './worker-options.js';
import { verboseLogger, WorkerReport } from './worker-report.js';

export const workerRunCommand: Command = {
  name: 'worker run',
  summary: 'Run a worker with built-in handlers or your own module',
  usage: '[--register <type>=<builtin>]... [--handlers <file>] [flags]',
  localToProcess: true,
  help: `Runs a worker until Ctrl+C (or SIGTERM): the first stops taking jobs and
waits for running ones (up to --grace); a second aborts them and releases
their jobs to the head of the queue, unchanged, for another worker; a third
exits at once.

Job lines go to stdout: echo output, retries, dead letters and cancelled
runs (completions, starts and progress too with --verbose); with --json one
JSON document per line ({"event": "started" | "echo" | "retrying" | "dead" |
"cancelled" | "leaseLost" | "error" | "stopped", ...}, plus "active",
"completed" and "progress" with --verbose). On a terminal a live status line
on stderr shows running, done, retried, dead-lettered (and cancelled) jobs
and the rate.

Handlers:
  --register <type>=<builtin>   run jobs of <type> with a built-in (repeatable);
                                --register echo is short for echo=echo
                                  echo   prints the job and its payload
                                  fail   always throws; {"message": "..."} sets the
                                         message, {"unrecoverable": true} dead-letters
                                         at once
                                  sleep  sleeps for the payload's duration: 1500 or
                                         "1500" (ms), "1.5s", {"ms": 1500} or
                                         {"duration": "1.5s"}
  --handlers <file>             a .js/.mjs/.cjs module exporting { type: handler }
                                as \`handlers\` or default, and optionally
                                setup({ worker, client, driver })
  Without either, echo, fail and sleep run under their own names.

Worker:
  --queues <a,b>                queues in order of preference (default: --queue)
  --concurrency <n>             handlers at once (default 1)
  --prefetch <n>                jobs held reserved beyond the running ones (default 0)
  --lease <duration>            lease length (default 30s)
  --heartbeat <duration>        lease renewal period (default a third of --lease)
  --grace <duration>            how long Ctrl+C waits for running jobs (default 30s)
  --on-missing-handler <mode>   retry (default) or fail: a job type with no handler
  --backoff-base <duration>     retry delay after the first failure (default 1s)
  --backoff-factor <n>          each later delay is n times longer (default 2)
  --backoff-max <duration>      longest retry delay (default 1h)
  --backoff-jitter <0..1>       random share of each delay (default 0.5)
  How many runs a job gets is its own maxAttempts (enqueue --max-attempts).

Example:
  taskharbor --driver redis worker run --register email.send=echo --concurrency 8`,
  options: WORKER_RUN_OPTIONS,
  async run(ctx) {
    const { args, flags, out, io } = ctx;
    expectPositionals(ctx, this, 0, 0);
    const settings = readWorkerSettings(args, flags);
    let module: HandlersModule | undefined;
    if (settings.handlersPath !== undefined) {
      module = await loadHandlersModule(settings.handlersPath, io.cwd);
      for (const type of module.handlers.keys()) {
        if (settings.builtins.has(type)) {
          throw new UsageError(`job type ${JSON.stringify(type)} has a handler in ${settings.handlersPath} and a --register; keep one`, this.name);
        }
      }
    }
    if (settings.builtins.size === 0 && module === undefined) {
      for (const name of BUILTIN_NAMES) settings.builtins.set(name, name);
      out.note(`no --register or --handlers given: job types ${BUILTIN_NAMES.join(', ')} run the built-ins of the same name`);
    }

    const driver = await ctx.driver();
    const report = new WorkerReport(out);
    const worker = new Worker(driver, {
      queues: settings.queues,
      concurrency: settings.concurrency,
      prefetch: settings.prefetch,
      leaseMs: settings.leaseMs,
      heartbeatMs: settings.heartbeatMs,
      shutdownGraceMs: settings.graceMs,
      onMissingHandler: settings.onMissingHandler,
      retryPolicy: RetryPolicy.exponential(settings.backoff),
      ...(flags.verbose && { logger: verboseLogger(out) }),
    });
    const handlerNames: string[] = [];
    for (const [type, name] of settings.builtins) {
      worker.register(type, builtinHandler(name as BuiltinName, { echo: (job) => report.echo(job) }));
      handlerNames.push(type === name ? `${type} (built-in)` : `${type} (built-in ${name})`);
    }
    for (const [type, handler] of module?.handlers ?? []) {
      worker.register(type, handler);
      handlerNames.push(`${type} (${settings.handlersPath})`);
    }
    report.attach(worker);
    if (module?.setup !== undefined) {
      try {
        await module.setup({ worker, client: new Client(driver, { defaultQueue: settings.queues[0] as string }), driver });
      } catch (error) {
        // The user's code, so say whose: a bare "x is not defined" would send them looking in the CLI.
        const reason = error instanceof Error ? error.message : String(error);
        throw new OperationalError(`--handlers ${settings.handlersPath}: setup() failed: ${reason}`, 'HANDLERS_MODULE', { cause: error });
      }
    }

    let statusLine: StatusLine | undefined;
    if (!out.json && io.stderr.isTTY === true) {
      const rate = new RateMeter();
      statusLine = new StatusLine(io.stderr, () => {
        rate.record(Date.now(), report.finished);
        return formatTally({ running: worker.activeCount, ...report.tally }, rate.perSecond(), out.errColours);
      });
      const line = statusLine;
      out.setWriteWrapper((write) => line.around(write));
    }

    // Shutdown. The worker's own signal handling does the work: the first
    // signal closes it gracefully, a second ends the grace period, aborting
    // running handlers and releasing their jobs so no lease has to run out.
    // It is wired first, so its listener runs before ours on each signal.
    const unwireWorker = worker.closeOnSignals(['SIGINT', 'SIGTERM']);
    let signals = 0;
    let forced = false;
    let resolveClosed: () => void = () => undefined;
    const closed = new Promise<void>((resolve) => {
      resolveClosed = resolve;
    });
    const unwireMessages = io.onSignal((signal) => {
      signals++;
      if (signals === 1) {
        const running = worker.activeCount;
        out.info(
          `${signal}: stopping; ${running === 0 ? 'no job is running' : `waiting up to ${formatDurationMs(settings.graceMs)} for ${running} running job${running === 1 ? '' : 's'}`} (Ctrl+C again to abort and release them)`,
        );
        // On the next turn, so the worker's listener has begun its close and this joins it.
        setImmediate(() => void worker.close().then(resolveClosed));
      } else if (signals === 2) {
        forced = true;
        out.info(`${signal} again: aborting running jobs and releasing them (once more to exit at once)`);
      } else {
        out.info(`${signal} a third time: exiting now; jobs still held come back when their leases run out`);
        statusLine?.stop();
        io.exit(ExitCode.Interrupted);
      }
    });

    const startedAt = Date.now();
    // Reported before start(): the worker takes jobs at once, and their events follow this one.
    const starting = worker.start();
    report.started(
      {
        driver: ctx.driverDescription(),
        queues: settings.queues,
        concurrency: settings.concurrency,
        leaseMs: settings.leaseMs,
        heartbeatMs: settings.heartbeatMs,
        handlers: [...settings.builtins.keys(), ...(module?.handlers.keys() ?? [])],
      },
      [
        `worker started on ${ctx.driverDescription()}: queues ${settings.queues.join(', ')}, concurrency ${settings.concurrency}${settings.prefetch > 0 ? `, prefetch ${settings.prefetch}` : ''}, lease ${formatDurationMs(settings.leaseMs)}, heartbeat ${formatDurationMs(settings.heartbeatMs)}`,
        `handlers: ${handlerNames.join(', ')}`,
        'press Ctrl+C to stop (twice to abort running jobs)',
      ],
    );
    await starting;
    statusLine?.start();
    try {
      await closed;
    } finally {
      statusLine?.stop();
      out.setWriteWrapper(undefined);
      unwireMessages();
      unwireWorker();
    }
    report.stopped(forced, Date.now() - startedAt);
    return forced ? ExitCode.Interrupted : ExitCode.Ok;
  },
};
