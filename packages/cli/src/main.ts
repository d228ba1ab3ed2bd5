import { GLOBAL_OPTIONS, type GlobalFlags, resolveGlobalFlags, splitAtCommand } from './args/global-flags.js';
import { parseCommandLine } from './args/parse.js';
import type { CommandContext } from './commands/command.js';
import { commandHelp, groupHelp, mainHelp } from './commands/help.js';
import { COMMANDS, findCommand, subcommandsOf } from './commands/registry.js';
import { type AdminDriver, type OpenedDriver, openDriver } from './driver-from-flags.js';
import { ExitCode, reportFor, UsageError } from './errors.js';
import { type CliIo, processIo } from './io.js';
import { colourEnabled, createColours } from './output/colour.js';
import { Printer } from './output/printer.js';
import { CLI_VERSION } from './version.js';

export interface MainOptions {
  /**
   * A driver the caller already has, used instead of the one --driver names
   * and never closed here. An app on the memory driver can hand over its own
   * to let operators inspect its in-process queues.
   */
  driver?: AdminDriver;
}

const MEMORY_NOTE =
  'the memory driver keeps jobs inside one process: this command starts from an empty store and cannot see (or keep) jobs of any other process; use --driver redis or --driver postgres for a shared store';

function writeError(io: CliIo, error: unknown, mode: Pick<GlobalFlags, 'json' | 'verbose'>, command: string | undefined): number {
  const report = reportFor(error);
  let message = report.message;
  // Point a usage error at the help that fixes it, unless the message already shows the usage.
  if (report.exitCode === ExitCode.Usage && !message.includes('usage: ')) {
    const about = (error instanceof UsageError ? error.command : undefined) ?? command;
    message += `; see taskharbor ${about === undefined ? '' : `${about} `}--help`;
  }
  if (mode.json) {
    io.stderr.write(`${JSON.stringify({ error: { code: report.code, message, exitCode: report.exitCode } })}\n`);
  } else {
    const colours = createColours(colourEnabled(io.stderr, io.env));
    io.stderr.write(`${colours.red('error:')} ${message}\n`);
  }
  if (mode.verbose && error instanceof Error) {
    let current: unknown = error;
    while (current instanceof Error) {
      io.stderr.write(`${current.stack ?? current.message}\n`);
      current = current.cause;
      if (current instanceof Error) io.stderr.write('caused by: ');
    }
  }
  return report.exitCode;
}

/**
 * Runs one command line (without `node` and the script path) and resolves to
 * its exit code. Never throws and never exits the process (apart from a
 * third Ctrl+C in worker run): bin.ts sets the exit code, tests and
 * embedding apps read it.
 *
 * @example
 * const code = await main(['--driver', 'redis', 'queues', '--json']);
 * const onPostgres = await main(['--driver', 'postgres', '--database-url', 'postgres://app@db:5432/app', 'queues']);
 */
export async function main(argv: readonly string[], io: CliIo = processIo(), options: MainOptions = {}): Promise<number> {
  // Known before parsing, so that a malformed command line is reported the way it asked for.
  let mode = { json: argv.includes('--json'), verbose: argv.includes('--verbose') };
  let out = new Printer(io, mode);
  let commandName: string | undefined;
  let opened: Promise<OpenedDriver> | undefined;
  try {
    const { globalArgs, rest } = splitAtCommand(argv);
    const globals = parseCommandLine(globalArgs, GLOBAL_OPTIONS);
    if (globals.boolean('version')) {
      out.line(CLI_VERSION);
      return ExitCode.Ok;
    }
    if (rest[0] === 'help' || rest.length === 0) {
      const topic = rest.slice(1);
      if (topic.length > 0) {
        const found = findCommand(topic);
        if (found.kind === 'command') out.line(commandHelp(found.command));
        else if (found.kind === 'group') out.line(groupHelp(found.group));
        else throw new UsageError(`no command ${JSON.stringify(topic.join(' '))}`);
        return ExitCode.Ok;
      }
      if (rest[0] === 'help' || globals.boolean('help')) {
        out.line(mainHelp());
        return ExitCode.Ok;
      }
      io.stderr.write(`${mainHelp()}\n`);
      return ExitCode.Usage;
    }

    const found = findCommand(rest);
    if (found.kind === 'unknown') {
      const names = [...new Set(COMMANDS.map((c) => c.name.split(' ')[0]))].join(', ');
      throw new UsageError(`unknown command ${JSON.stringify(found.word)}; the commands are ${names}`);
    }
    if (found.kind === 'group') {
      if (found.rest.includes('--help') || found.rest.includes('-h') || globals.boolean('help')) {
        out.line(groupHelp(found.group));
        return ExitCode.Ok;
      }
      const subs = subcommandsOf(found.group).map((c) => c.name.split(' ')[1]);
      const word = found.rest[0];
      throw new UsageError(
        word === undefined || word.startsWith('-')
          ? `${found.group} needs a subcommand: ${subs.join(' or ')}`
          : `unknown command "${found.group} ${word}"; ${found.group} has ${subs.join(', ')}`,
      );
    }

    const command = found.command;
    commandName = command.name;
    const args = parseCommandLine(found.rest, { ...GLOBAL_OPTIONS, ...command.options }, command.name).over(globals);
    if (args.boolean('help')) {
      out.line(commandHelp(command));
      return ExitCode.Ok;
    }
    const flags = resolveGlobalFlags(args, io.env);
    mode = flags;
    out = new Printer(io, flags);
    let description = 'the driver given to main()';
    const printer = out;
    const ctx: CommandContext = {
      io,
      args,
      flags,
      out,
      async driver() {
        if (options.driver !== undefined) return options.driver;
        opened ??= openDriver(flags).then((driver) => {
          description = driver.description;
          if (driver.kind === 'memory' && command.localToProcess !== true) printer.note(MEMORY_NOTE);
          return driver;
        });
        return (await opened).driver;
      },
      driverDescription: () => description,
    };
    return (await command.run(ctx)) ?? ExitCode.Ok;
  } catch (error) {
    return writeError(io, error, mode, commandName);
  } finally {
    if (opened !== undefined) {
      await opened.then(
        (driver) => driver.close(),
        () => undefined,
      );
    }
  }
}
