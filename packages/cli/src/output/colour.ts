import type { OutputStream } from '../io.js';

export type Style = (text: string) => string;

export interface Colours {
  readonly enabled: boolean;
  bold: Style;
  dim: Style;
  red: Style;
  green: Style;
  yellow: Style;
  blue: Style;
  cyan: Style;
  magenta: Style;
}

/**
 * Colour only on a terminal, never when NO_COLOR is set to anything
 * non-empty (https://no-color.org), never for TERM=dumb. FORCE_COLOR turns
 * it on for pipes (CI logs that render ANSI); NO_COLOR still wins.
 */
export function colourEnabled(stream: OutputStream, env: Readonly<Record<string, string | undefined>>): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') return true;
  if (env.TERM === 'dumb') return false;
  return stream.isTTY === true;
}

function sgr(open: number, close: number): Style {
  return (text) => `\u001b[${open}m${text}\u001b[${close}m`;
}

const plain: Style = (text) => text;

export function createColours(enabled: boolean): Colours {
  if (!enabled) {
    return { enabled, bold: plain, dim: plain, red: plain, green: plain, yellow: plain, blue: plain, cyan: plain, magenta: plain };
  }
  return {
    enabled,
    bold: sgr(1, 22),
    dim: sgr(2, 22),
    red: sgr(31, 39),
    green: sgr(32, 39),
    yellow: sgr(33, 39),
    blue: sgr(34, 39),
    cyan: sgr(36, 39),
    magenta: sgr(35, 39),
  };
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI escapes is the point
const ANSI = /\u001b\[[0-9;]*m/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

/** Columns the text takes on screen: escapes take none. Wide (CJK) characters are counted as one; good enough for ids and names. */
export function visibleWidth(text: string): number {
  return [...stripAnsi(text)].length;
}

/** The colour that goes with each job status, so a glance finds the dead-lettered ones. */
export function statusStyle(colours: Colours, status: string): Style {
  switch (status) {
    case 'ready':
      return colours.green;
    case 'scheduled':
      return colours.blue;
    case 'inflight':
      return colours.yellow;
    case 'done':
      return colours.dim;
    case 'dlq':
      return colours.red;
    case 'cancelled':
      return colours.magenta;
    default:
      return plain;
  }
}
