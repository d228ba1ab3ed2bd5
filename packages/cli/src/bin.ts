#!/usr/bin/env node
import { processIo } from './io.js';
import { main } from './main.js';

// `taskharbor list | head -1` closes the pipe early; that is the reader's
// choice, not a failure worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}

/**
 * Ends the process once stdout and stderr have flushed. main() has closed
 * everything it opened by then, but a library may still hold a timer (ioredis
 * keeps a 2 s one after a refused connection), and a finished command should
 * not sit there; waiting for the write callbacks keeps piped output whole.
 */
function exitWhenFlushed(code: number): void {
  process.exitCode = code;
  let pending = 2;
  const flushed = () => {
    pending--;
    if (pending === 0) process.exit(code);
  };
  process.stdout.write('', flushed);
  process.stderr.write('', flushed);
}

// No top-level await: the bundle is also built as CommonJS, which has none.
main(process.argv.slice(2), processIo()).then(exitWhenFlushed, (error: unknown) => {
  // main reports every error itself; reaching this is a bug in the CLI.
  process.stderr.write(`taskharbor: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  exitWhenFlushed(1);
});
