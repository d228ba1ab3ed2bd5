/**
 * @taskharbor/cli as a library: `main` runs a command line the way the
 * `taskharbor` binary does and resolves to its exit code, for tests and for
 * apps that embed the CLI (for example to give operators a look into their
 * own in-process memory driver).
 */
export type { CliIo, CliSignal, OutputStream } from './io.js';
export { processIo } from './io.js';
export { ExitCode } from './errors.js';
export type { MainOptions } from './main.js';
export { main } from './main.js';
export { CLI_VERSION } from './version.js';
