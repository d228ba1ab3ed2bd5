import type { GlobalFlags } from '../args/global-flags.js';
import type { CliIo } from '../io.js';
import { type Colours, colourEnabled, createColours } from './colour.js';
import { stringifyJson } from './json.js';

/**
 * Where a command writes. Results go to stdout; notes, warnings and the live
 * status line go to stderr, so `taskharbor list --json | jq` only ever sees
 * the document.
 */
export class Printer {
  readonly io: CliIo;
  readonly json: boolean;
  readonly verbose: boolean;
  /** Colours for stdout and for stderr: one may be a terminal while the other is piped. */
  readonly colours: Colours;
  readonly errColours: Colours;
  /** Wraps every write; the status line uses it to clear itself first and redraw after. */
  private around: ((write: () => void) => void) | undefined;

  constructor(io: CliIo, flags: Pick<GlobalFlags, 'json' | 'verbose'>) {
    this.io = io;
    this.json = flags.json;
    this.verbose = flags.verbose;
    this.colours = createColours(colourEnabled(io.stdout, io.env));
    this.errColours = createColours(colourEnabled(io.stderr, io.env));
  }

  /** Routes writes through `wrapper` (or directly again with undefined). */
  setWriteWrapper(wrapper: ((write: () => void) => void) | undefined): void {
    this.around = wrapper;
  }

  private write(stream: 'stdout' | 'stderr', text: string): void {
    const out = () => this.io[stream].write(text);
    if (this.around === undefined) out();
    else this.around(out);
  }

  /** A line of the result, on stdout. */
  line(text = ''): void {
    this.write('stdout', `${text}\n`);
  }

  lines(texts: readonly string[]): void {
    if (texts.length > 0) this.write('stdout', `${texts.join('\n')}\n`);
  }

  /** The command's JSON document (with --json). */
  document(value: unknown): void {
    this.write('stdout', `${stringifyJson(value, this.io.stdout.isTTY === true)}\n`);
  }

  /** One document of a stream (worker run, stats --watch): always one line, so readers can split on newlines. */
  documentLine(value: unknown): void {
    this.write('stdout', `${JSON.stringify(value)}\n`);
  }

  /** Something worth knowing that is not the result. */
  note(text: string): void {
    this.write('stderr', `${this.errColours.dim('note:')} ${text}\n`);
  }

  warn(text: string): void {
    this.write('stderr', `${this.errColours.yellow('warning:')} ${text}\n`);
  }

  /** Progress and events of long-running commands, on stderr. */
  info(text: string): void {
    this.write('stderr', `${text}\n`);
  }

  /** Shown only with --verbose. */
  debug(text: string): void {
    if (this.verbose) this.write('stderr', `${this.errColours.dim(text)}\n`);
  }
}
