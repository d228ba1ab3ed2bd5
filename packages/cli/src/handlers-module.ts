import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Admin, Client, Driver } from '@taskharbor/core';
import type { Handler, Worker } from '@taskharbor/worker';
import { OperationalError } from './errors.js';

/** What a handlers module's optional `setup` export receives. */
export interface HandlersSetupContext {
  worker: Worker;
  client: Client;
  driver: Driver & Admin;
}

export interface HandlersModule {
  /** job type → handler. */
  handlers: Map<string, Handler>;
  setup?: (context: HandlersSetupContext) => unknown;
}

function loadError(path: string, problem: string, cause?: unknown): OperationalError {
  return new OperationalError(`--handlers ${path}: ${problem}`, 'HANDLERS_MODULE', { cause });
}

/**
 * Loads `--handlers ./file.js`. The module exports its handlers as an object
 * of job type to function, either as `handlers` or as the default export
 * (a CommonJS `module.exports = { handlers }` works too), and may export
 * `setup({ worker, client, driver })`, which runs before the worker starts:
 * the place for middleware, event listeners, or enqueueing demo jobs on the
 * memory driver.
 */
export async function loadHandlersModule(path: string, cwd: string): Promise<HandlersModule> {
  const file = resolve(cwd, path);
  if (!existsSync(file)) throw loadError(path, `no such file (looked at ${file})`);
  let loaded: Record<string, unknown>;
  try {
    loaded = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ERR_UNKNOWN_FILE_EXTENSION') {
      throw loadError(path, 'Node cannot load this file type; build it to .js, or run the CLI under a loader (node --import tsx …)', error);
    }
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw loadError(path, `failed to load: ${message}`, error);
  }
  const fallback = loaded.default as Record<string, unknown> | undefined;
  const source = loaded.handlers ?? (fallback && typeof fallback === 'object' ? (fallback.handlers ?? fallback) : undefined);
  if (typeof source !== 'object' || source === null) {
    throw loadError(path, 'export an object of job type to handler function, as `export const handlers = { ... }` or `export default { ... }`');
  }
  const handlers = new Map<string, Handler>();
  for (const [type, handler] of Object.entries(source)) {
    if (type === 'setup') continue;
    if (typeof handler !== 'function') throw loadError(path, `the handler for ${JSON.stringify(type)} is a ${typeof handler}, not a function`);
    handlers.set(type, handler as Handler);
  }
  const setup = loaded.setup ?? (fallback && typeof fallback === 'object' ? fallback.setup : undefined);
  if (setup !== undefined && typeof setup !== 'function') throw loadError(path, '`setup` must be a function');
  if (handlers.size === 0 && setup === undefined) throw loadError(path, 'it exports no handlers');
  const module: HandlersModule = { handlers };
  if (typeof setup === 'function') module.setup = setup as HandlersModule['setup'];
  return module;
}
