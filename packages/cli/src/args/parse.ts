import { parseArgs } from 'node:util';
import { UsageError } from '../errors.js';

/** The options a command accepts, in node:util parseArgs's shape. */
export type OptionSpec = Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }>;

type RawValue = string | boolean | (string | boolean)[] | undefined;

/** Typed access to parsed flags, so commands never cast parseArgs's loose result. */
export class Args {
  readonly positionals: readonly string[];
  private readonly values: Readonly<Record<string, RawValue>>;

  constructor(values: Readonly<Record<string, RawValue>>, positionals: readonly string[]) {
    this.values = values;
    this.positionals = positionals;
  }

  /** A string flag's value; the last one wins when it was given twice. */
  string(name: string): string | undefined {
    const value = this.values[name];
    if (Array.isArray(value)) return value.length === 0 ? undefined : String(value[value.length - 1]);
    return typeof value === 'string' ? value : undefined;
  }

  boolean(name: string): boolean {
    return this.values[name] === true;
  }

  /** Every value of a repeatable flag, in order. */
  strings(name: string): string[] {
    const value = this.values[name];
    if (value === undefined) return [];
    return (Array.isArray(value) ? value : [value]).map(String);
  }

  has(name: string): boolean {
    return this.values[name] !== undefined;
  }

  /** These flags laid over another set (command-level flags over the global ones). */
  over(base: Args): Args {
    const merged: Record<string, RawValue> = { ...base.values };
    for (const [key, value] of Object.entries(this.values)) if (value !== undefined) merged[key] = value;
    return new Args(merged, this.positionals);
  }
}

/**
 * node:util's messages explain how to pass a positional that starts with a
 * dash, which is noise for a typo; keep the part that names the problem.
 */
function usageMessage(error: Error & { code?: string }): string {
  const name = /'(-[^' ]+)/.exec(error.message)?.[1];
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${name ?? error.message}`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${/'([^']*)'/.exec(error.message)?.[1] ?? ''}`.trim();
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (/argument missing/.test(error.message)) return `${name ?? 'an option'} needs a value`;
      if (/does not take an argument/.test(error.message)) return `${name ?? 'an option'} takes no value`;
      if (/ambiguous/.test(error.message)) {
        return `${name ?? 'an option'} needs a value; to pass one that starts with a dash, write ${name ?? '--option'}=-value`;
      }
      return error.message.split('\n')[0] ?? error.message;
    default:
      return error.message.split('\n')[0] ?? error.message;
  }
}

/** Parses flags strictly (unknown flags are errors); `command` names the help to point to. */
export function parseCommandLine(argv: readonly string[], options: OptionSpec, command?: string): Args {
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true });
    return new Args(values as Record<string, RawValue>, positionals);
  } catch (error) {
    if (error instanceof Error && typeof (error as { code?: unknown }).code === 'string') {
      throw new UsageError(usageMessage(error), command);
    }
    throw error;
  }
}
