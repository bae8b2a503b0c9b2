import { usageError } from './nodetool-error';

/** Default address of the admin API (a node's api_address and api_port defaults). */
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 10000;

/** nodetool's global options, accepted anywhere on the line as Cassandra's are. */
export interface GlobalOptions {
  host: string;
  port: number;
  /** `--help` given: print help. */
  help: boolean;
  /** Everything else, in order: the command and its arguments. */
  rest: string[];
}

/** Global options that take a value. -u/-pw/-pwf are accepted for script compatibility and ignored (the API has no login). */
const VALUED = new Map<string, 'host' | 'port' | 'ignored'>([
  ['-h', 'host'],
  ['--host', 'host'],
  ['-p', 'port'],
  ['--port', 'port'],
  ['-u', 'ignored'],
  ['--username', 'ignored'],
  ['-pw', 'ignored'],
  ['--password', 'ignored'],
  ['-pwf', 'ignored'],
  ['--password-file', 'ignored'],
]);

/** Takes the global options out of `argv` (up to a `--`); throws a usage error for a missing or bad value. */
export function parseGlobalOptions(argv: readonly string[]): GlobalOptions {
  const out: GlobalOptions = { host: DEFAULT_HOST, port: DEFAULT_PORT, help: false, rest: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      out.rest.push(...argv.slice(i));
      break;
    }
    if (arg === '--help') {
      out.help = true;
      continue;
    }
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const kind = VALUED.get(name);
    if (kind === undefined) {
      out.rest.push(arg);
      continue;
    }
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value === '') throw usageError(`Required value for '${name}' is missing`, null);
    if (kind === 'host') out.host = value;
    else if (kind === 'port') {
      if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 65535) throw usageError(`Invalid port '${value}': give the admin API port, 1-65535`, null);
      out.port = Number(value);
    }
  }
  return out;
}

/** One option of a command: its spellings, and whether it takes a value. */
export interface OptionSpec {
  readonly names: readonly string[];
  readonly key: string;
  readonly takesValue: boolean;
  readonly help: string;
}

/** A command's options (by key: the value, or 'true' for a flag) and positional arguments. */
export interface ParsedCommand {
  readonly options: ReadonlyMap<string, string>;
  readonly args: readonly string[];
}

/** Splits a command's arguments by its option specs; unknown options and missing values are usage errors of `command`. */
export function parseCommandArgs(command: string, specs: readonly OptionSpec[], argv: readonly string[]): ParsedCommand {
  const options = new Map<string, string>();
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      args.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      args.push(arg);
      continue;
    }
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const spec = specs.find((s) => s.names.includes(name));
    if (spec === undefined) throw usageError(`Found unexpected parameters: [${arg}]`, command);
    if (!spec.takesValue) {
      options.set(spec.key, 'true');
      continue;
    }
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) throw usageError(`Required value for '${name}' is missing`, command);
    options.set(spec.key, value);
  }
  return { options, args };
}
