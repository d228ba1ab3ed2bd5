import type { GlobalFlags } from '../args/global-flags.js';
import type { Args, OptionSpec } from '../args/parse.js';
import type { AdminDriver } from '../driver-from-flags.js';
import { UsageError } from '../errors.js';
import type { CliIo } from '../io.js';
import type { Printer } from '../output/printer.js';

export interface CommandContext {
  io: CliIo;
  /** The command's flags laid over the global ones, with its positionals. */
  args: Args;
  flags: GlobalFlags;
  out: Printer;
  /**
   * Opens the store the flags name (once). Commands check all their own
   * flags first and call this last, so a typo is reported at once instead of
   * after a connection attempt, and never depends on whether Redis is up.
   */
  driver(): Promise<AdminDriver>;
  /** Where the jobs live, once driver() has resolved. */
  driverDescription(): string;
}

export interface Command {
  /** As typed: `list`, `dlq requeue`. */
  name: string;
  /** One line for the command list. */
  summary: string;
  /** The synopsis after `taskharbor [global flags]`. */
  usage: string;
  /** The rest of `--help`: what it does, its flags, an example. */
  help: string;
  options: OptionSpec;
  /**
   * True when the command is useful inside one process on the memory driver
   * (worker run, whose handlers module may enqueue jobs itself). Every other
   * command gets a note that it cannot see another process's jobs there.
   */
  localToProcess?: boolean;
  /** Resolves to the exit code; undefined means 0. */
  run(ctx: CommandContext): Promise<number | undefined>;
}

/** Refuses positionals a command does not take, or too few, with its usage in the message. */
export function expectPositionals(ctx: CommandContext, command: Command, min: number, max: number): readonly string[] {
  const given = ctx.args.positionals;
  if (given.length < min) throw usage(command, `missing ${min - given.length === 1 ? 'an argument' : 'arguments'}`);
  if (given.length > max) throw usage(command, `unexpected argument ${JSON.stringify(given[max])}`);
  return given;
}


export function usage(command: Command, problem: string): UsageError {
  return new UsageError(`${problem}; usage: taskharbor ${command.name} ${command.usage}`.trim(), command.name);
}
