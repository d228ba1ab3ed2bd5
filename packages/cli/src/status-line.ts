import type { OutputStream } from './io.js';
import type { Colours } from './output/colour.js';
import { stripAnsi, visibleWidth } from './output/colour.js';
import { truncate } from './output/table.js';

export interface WorkerTally {
  /** Jobs the worker holds now. */
  running: number;
  done: number;
  retried: number;
  dead: number;
  /** Runs that ended because an operator cancelled the job. */
  cancelled: number;
}

/** The window the rate is averaged over: long enough to be steady, short enough to follow a change. */
const RATE_WINDOW_MS = 10_000;

/**
 * Finished runs per second over the last RATE_WINDOW_MS, from samples of a
 * running total. Samples rather than one timestamp per job, so the cost does
 * not grow with throughput.
 */
export class RateMeter {
  private readonly samples: { at: number; total: number }[] = [];

  record(at: number, total: number): void {
    this.samples.push({ at, total });
    while (this.samples.length > 2 && (this.samples[1] as { at: number }).at <= at - RATE_WINDOW_MS) this.samples.shift();
  }

  /** Per second, or 0 before two samples exist. */
  perSecond(): number {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (first === undefined || last === undefined || last.at <= first.at) return 0;
    return ((last.total - first.total) * 1000) / (last.at - first.at);
  }
}

/**
 * `running 2 · done 140 · retried 3 · dead-lettered 1 · 12.5 jobs/s`, with
 * `cancelled N` before the rate once a run was cancelled (rare, so it does
 * not take room on the line before then).
 */
export function formatTally(tally: WorkerTally, rate: number, colours: Colours): string {
  const part = (label: string, value: number, style = (s: string) => s) => `${label} ${value === 0 ? colours.dim('0') : style(String(value))}`;
  return [
    part('running', tally.running, colours.yellow),
    part('done', tally.done, colours.green),
    part('retried', tally.retried, colours.yellow),
    part('dead-lettered', tally.dead, colours.red),
    ...(tally.cancelled > 0 ? [part('cancelled', tally.cancelled, colours.magenta)] : []),
    `${rate.toFixed(1)} jobs/s`,
  ].join(colours.dim(' · '));
}

const CLEAR_LINE = '\r\u001b[2K';

/**
 * The live line at the bottom of `worker run` on a terminal. It redraws
 * itself a few times a second, and every other write goes through around(),
 * which clears the line, writes, and draws it again below, so log lines
 * scroll up and the status stays last.
 */
export class StatusLine {
  private readonly stream: OutputStream;
  private readonly render: () => string;
  private readonly intervalMs: number;
  private timer: NodeJS.Timeout | undefined;
  private shown = false;

  constructor(stream: OutputStream, render: () => string, intervalMs = 250) {
    this.stream = stream;
    this.render = render;
    this.intervalMs = intervalMs;
  }

  start(): void {
    if (this.timer !== undefined) return;
    this.draw();
    this.timer = setInterval(() => this.draw(), this.intervalMs);
    // The line is decoration: it must never keep the process alive on its own.
    this.timer.unref();
  }

  /** Removes the line for good. */
  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.clear();
  }

  around(write: () => void): void {
    const active = this.timer !== undefined;
    if (active) this.clear();
    write();
    if (active) this.draw();
  }

  draw(): void {
    // One column short of the width: writing the last column makes some terminals wrap.
    // A pseudo-terminal without a size reports 0 columns; assume the classic 80 then.
    const width = Math.max(10, (this.stream.columns || 80) - 1);
    const text = this.render();
    const line = visibleWidth(text) > width ? truncate(stripAnsi(text), width) : text;
    this.stream.write(`${CLEAR_LINE}${line}`);
    this.shown = true;
  }

  private clear(): void {
    if (!this.shown) return;
    this.stream.write(CLEAR_LINE);
    this.shown = false;
  }
}
