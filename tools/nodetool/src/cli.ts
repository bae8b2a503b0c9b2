import { AdminClient } from './admin-client';
import { parseCommandArgs, parseGlobalOptions } from './command-line';
import type { NodetoolIo } from './commands/command';
import { findCommand } from './commands';
import { ExitCodes, NodetoolError, NodetoolErrorCodes, usageError } from './nodetool-error';
import { commandHelp, generalHelp } from './usage';

/**
 * Runs one nodetool command line and resolves with the exit status: 0 success, 1 the
 * operation failed (one `nodetool: …` line on stderr), 2 a bad command line (the error
 * and the usage on stderr).
 */
export async function runNodetool(argv: readonly string[], io: NodetoolIo): Promise<number> {
  let commandName: string | null = null;
  try {
    const global = parseGlobalOptions(argv);
    const [name, ...rest] = global.rest;
    if (name === undefined || name === 'help' || global.help) {
      const topic = name === 'help' ? rest[0] : name;
      if (topic === undefined) {
        io.stdout.write(generalHelp());
        return name === undefined && !global.help ? ExitCodes.USAGE : ExitCodes.OK;
      }
      const command = findCommand(topic);
      if (command === undefined) throw usageError(`Unknown command '${topic}'`, null);
      io.stdout.write(commandHelp(command));
      return ExitCodes.OK;
    }
    const command = findCommand(name);
    if (command === undefined) throw usageError(`Unknown command '${name}'`, null);
    commandName = command.name;
    const parsed = parseCommandArgs(command.name, command.options, rest);
    if (parsed.args.length < command.minArgs) throw usageError(`Missing required arguments for '${command.name}': ${command.synopsis}`, command.name);
    if (parsed.args.length > command.maxArgs) throw usageError(`Found unexpected parameters: [${parsed.args.slice(command.maxArgs).join(', ')}]`, command.name);
    const client = new AdminClient(global.host, global.port);
    await command.run({ client, io, parsed, out: (line = '') => io.stdout.write(line + '\n') });
    return ExitCodes.OK;
  } catch (err) {
    if (!(err instanceof NodetoolError)) {
      io.stderr.write(`nodetool: ${(err as Error).stack ?? String(err)}\n`);
      return ExitCodes.FAILED;
    }
    io.stderr.write(`nodetool: ${err.message}\n`);
    if (err.code !== NodetoolErrorCodes.USAGE) return ExitCodes.FAILED;
    const command = err.command ?? commandName;
    const found = command === null ? undefined : findCommand(command);
    io.stderr.write(found !== undefined ? `\n${commandHelp(found)}` : `See 'nodetool help' or 'nodetool help <command>'.\n\n${generalHelp()}`);
    return ExitCodes.USAGE;
  }
}
