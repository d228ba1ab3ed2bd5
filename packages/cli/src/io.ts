/**
 * Everything the CLI reads from or writes to the outside world. bin.ts hands
 * in the process's streams; tests and apps that embed the CLI hand in their
 * own, so no command touches `process` directly.
 */
export interface OutputStream {
  write(text: string): unknown;
  /** Set on a terminal: colours and the live status line are used only then. */
  isTTY?: boolean;
  /** Terminal width, used to keep the status line on one row. */
  columns?: number;
}

export type CliSignal = 'SIGINT' | 'SIGTERM';

export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
  env: Readonly<Record<string, string | undefined>>;
  /** Read only by `enqueue --payload-file -`. */
  stdin?: AsyncIterable<string | Uint8Array>;
  /** Relative paths (`--handlers ./x.js`) resolve against it. */
  cwd: string;
  /**
   * Calls the listener on SIGINT and SIGTERM and returns a function that
   * stops listening. Only long-running commands (worker run, stats --watch)
   * subscribe, so every other command keeps Node's default of exiting at once.
   */
  onSignal(listener: (signal: CliSignal) => void): () => void;
  /** Ends the process now; used only by a third Ctrl+C in `worker run`. */
  exit(code: number): void;
}

/** The io of a real process. */
export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    onSignal(listener) {
      const onInt = () => listener('SIGINT');
      const onTerm = () => listener('SIGTERM');
      process.on('SIGINT', onInt);
      process.on('SIGTERM', onTerm);
      return () => {
        process.off('SIGINT', onInt);
        process.off('SIGTERM', onTerm);
      };
    },
    exit(code) {
      process.exit(code);
    },
  };
}
