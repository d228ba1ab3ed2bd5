import { durationFlag } from '../args/duration.js';
import { isoTime } from '../output/time.js';
import type { Command, CommandContext } from './command.js';
import { expectPositionals } from './command.js';
import { countsJson, countsTable, type QueueCounts, readCounts } from './counts-view.js';

/** Refresh period of --watch unless --interval says otherwise. */
const DEFAULT_INTERVAL_MS = 2000;

async function queuesToShow(ctx: CommandContext): Promise<string[]> {
  const admin = await ctx.driver();
  return ctx.args.boolean('all') ? admin.queues() : [ctx.flags.queue];
}

/** Resolves after `ms`, or at once when `stop` aborts. */
function pause(ms: number, stop: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      stop.removeEventListener('abort', done);
      resolve();
    }
    stop.addEventListener('abort', done, { once: true });
  });
}

export const statsCommand: Command = {
  name: 'stats',
  summary: 'Show job counts per status; --watch refreshes them',
  usage: '[--all] [--watch] [--interval <duration>]',
  help: `Shows how many jobs the queue has in each status. With --watch the counts
refresh every --interval until Ctrl+C: redrawn in place on a terminal, a new
table (with the time) each round when piped, and with --json one document
per line per round.

Flags:
  --all                    every known queue instead of --queue
  --watch                  refresh until Ctrl+C
  --interval <duration>    refresh period with --watch (default 2s)
  --queue <queue>          the queue (global flag; default "default")`,
  options: {
    all: { type: 'boolean' },
    watch: { type: 'boolean' },
    interval: { type: 'string' },
  },
  async run(ctx) {
    const { args, out, io } = ctx;
    expectPositionals(ctx, this, 0, 0);
    const intervalText = args.string('interval');
    const intervalMs = intervalText === undefined ? DEFAULT_INTERVAL_MS : durationFlag('interval', intervalText, { min: 100 });
    const watch = args.boolean('watch');
    const admin = await ctx.driver();

    const render = (rows: QueueCounts[], at: number, previousLines: number): number => {
      if (out.json) {
        const document = { at, queues: countsJson(rows) };
        if (watch) out.documentLine(document);
        else out.document(document);
        return 0;
      }
      const lines = rows.length === 0 ? ['no queues yet: no job was ever enqueued here'] : countsTable(rows, out.colours);
      if (!watch) {
        out.lines(lines);
        return lines.length;
      }
      const title = out.colours.dim(`${isoTime(at)}  every ${intervalText ?? '2s'}  Ctrl+C to stop`);
      // On a terminal, move up over the previous round and clear it, so the table stays put.
      const redraw = io.stdout.isTTY === true && previousLines > 0 ? `\u001b[${previousLines}A\u001b[0J` : '';
      io.stdout.write(`${redraw}${[title, ...lines].join('\n')}\n`);
      return lines.length + 1;
    };

    if (!watch) {
      render(await readCounts(admin, await queuesToShow(ctx)), Date.now(), 0);
      return 0;
    }
    const stop = new AbortController();
    const unsubscribe = io.onSignal(() => stop.abort());
    try {
      let shown = 0;
      while (!stop.signal.aborted) {
        const rows = await readCounts(admin, await queuesToShow(ctx));
        if (stop.signal.aborted) break;
        shown = render(rows, Date.now(), shown);
        await pause(intervalMs, stop.signal);
      }
    } finally {
      unsubscribe();
    }
    return 0;
  },
};
