import { describe, expect, it } from 'vitest';
import { createColours, stripAnsi } from '../src/output/colour.js';
import { formatTally, RateMeter, StatusLine } from '../src/status-line.js';

describe('status line', () => {
  it('formats the tally with the rate', () => {
    const text = formatTally({ running: 3, done: 1204, retried: 12, dead: 1, cancelled: 0 }, 48.53, createColours(true));
    expect(stripAnsi(text)).toBe('running 3 · done 1204 · retried 12 · dead-lettered 1 · 48.5 jobs/s');
    expect(formatTally({ running: 0, done: 0, retried: 0, dead: 0, cancelled: 0 }, 0, createColours(false))).toBe(
      'running 0 · done 0 · retried 0 · dead-lettered 0 · 0.0 jobs/s',
    );
    // Cancelled runs are counted once there is one.
    expect(formatTally({ running: 1, done: 5, retried: 0, dead: 0, cancelled: 2 }, 1, createColours(false))).toBe(
      'running 1 · done 5 · retried 0 · dead-lettered 0 · cancelled 2 · 1.0 jobs/s',
    );
  });

  it('averages the rate over the last 10 s of samples', () => {
    const meter = new RateMeter();
    expect(meter.perSecond()).toBe(0);
    meter.record(0, 0);
    meter.record(1_000, 10);
    expect(meter.perSecond()).toBe(10);
    // Sampled every second, as the status line does: the early burst leaves the window.
    for (let at = 2_000; at <= 20_000; at += 1_000) meter.record(at, 10);
    meter.record(21_000, 12);
    expect(meter.perSecond()).toBeCloseTo(0.2);
  });

  it('clears itself around other writes and stays within the terminal width', () => {
    let screen = '';
    const stream = { isTTY: true, columns: 20, write: (text: string) => (screen += text) };
    const line = new StatusLine(stream, () => 'running 1 · done 2 · retried 3 · dead-lettered 4');
    line.start();
    expect(screen).toBe('\r\u001b[2Krunning 1 · done 2…');
    screen = '';
    line.around(() => stream.write('a log line\n'));
    expect(screen).toBe('\r\u001b[2Ka log line\n\r\u001b[2Krunning 1 · done 2…');
    screen = '';
    line.stop();
    expect(screen).toBe('\r\u001b[2K');
  });
});
