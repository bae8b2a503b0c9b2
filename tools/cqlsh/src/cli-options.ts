/**
 * cqlsh's command line: `cqlsh [options] [host [port]]`, with Cassandra cqlsh's option
 * names. Pure: argv and environment in, options out (or a usage error).
 */

/** The shell's version, printed by --version and SHOW VERSION. */
export const CQLSH_VERSION = '6.2.0';

/** Everything the command line (and environment) asks for. */
export interface CqlshOptions {
  host: string;
  port: number;
  username?: string;
  password?: string;
  keyspace?: string;
  /** -e: run these statements and exit. */
  execute?: string;
  /** -f: run this file and exit. */
  file?: string;
  ssl: boolean;
  /** Verify the server certificate (env SSL_VALIDATE, default true). */
  sslValidate: boolean;
  /** CA file to verify with (env SSL_CERTFILE); the system CAs when absent. */
  sslCertfile?: string;
  connectTimeoutS: number;
  requestTimeoutS: number;
}

export type CliCommand = { kind: 'help' } | { kind: 'version' } | { kind: 'run'; options: CqlshOptions };

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 9042;
export const DEFAULT_CONNECT_TIMEOUT_S = 5;
export const DEFAULT_REQUEST_TIMEOUT_S = 10;

export const USAGE = `Usage: cqlsh [options] [host [port]]

CQL Shell for Charybdis (and Apache Cassandra / ScyllaDB).

Options:
  -h, --help              show this help message and exit
  --version               show the version and exit
  -u, --username USER     authenticate as user
  -p, --password PASS     authenticate using password
  -k, --keyspace KS       use this keyspace at start
  -e, --execute STMT      execute the statement(s) and quit
  -f, --file FILE         execute commands from FILE, then exit
  --ssl                   use SSL/TLS (verification: see below)
  --connect-timeout S     connection timeout in seconds (default: ${DEFAULT_CONNECT_TIMEOUT_S})
  --request-timeout S     request timeout in seconds (default: ${DEFAULT_REQUEST_TIMEOUT_S})

Connects to ${DEFAULT_HOST}:${DEFAULT_PORT} by default. These defaults can be changed by
setting $CQLSH_HOST and/or $CQLSH_PORT. When a host (and optional port number) are given
on the command line, they take precedence over any defaults.

With --ssl the server certificate is verified against $SSL_CERTFILE (a PEM CA file) or the
system's CAs; SSL_VALIDATE=false turns verification off.`;

/** A bad command line; main prints it with the usage and exits 2 (as argparse does). */
export class UsageError extends Error {
  readonly code = 'CQLSH_USAGE';
}

const VALUE_FLAGS: Record<string, 'username' | 'password' | 'keyspace' | 'execute' | 'file' | 'connect' | 'request'> = {
  '-u': 'username', '--username': 'username', '-p': 'password', '--password': 'password',
  '-k': 'keyspace', '--keyspace': 'keyspace', '-e': 'execute', '--execute': 'execute',
  '-f': 'file', '--file': 'file', '--connect-timeout': 'connect', '--request-timeout': 'request',
};

function seconds(flag: string, text: string): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || v <= 0) throw new UsageError(`argument ${flag}: invalid value: '${text}' (a positive number of seconds)`);
  return v;
}

function port(text: string): number {
  const v = Number(text);
  if (!/^\d+$/.test(text) || v < 1 || v > 65535) throw new UsageError(`invalid port '${text}' (1..65535)`);
  return v;
}

/** Parses `argv` (without node and the script) with `env` for CQLSH_HOST/PORT and SSL_*. */
export function parseCliArgs(argv: readonly string[], env: Record<string, string | undefined>): CliCommand {
  const positional: string[] = [];
  const values: Partial<Record<(typeof VALUE_FLAGS)[string], string>> = {};
  let ssl = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h' || arg === '--help') return { kind: 'help' };
    if (arg === '--version' || arg === '-v') return { kind: 'version' };
    if (arg === '--ssl') {
      ssl = true;
      continue;
    }
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq >= 0 ? arg.slice(0, eq) : arg;
    const key = VALUE_FLAGS[flag];
    if (key !== undefined) {
      const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined) throw new UsageError(`argument ${flag}: expected one argument`);
      values[key] = value;
      continue;
    }
    if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unrecognized arguments: ${arg}`);
    positional.push(arg);
  }
  if (positional.length > 2) throw new UsageError(`unrecognized arguments: ${positional.slice(2).join(' ')}`);
  if (values.execute !== undefined && values.file !== undefined) throw new UsageError('-e and -f cannot be used together');
  const host = positional[0] ?? env.CQLSH_HOST ?? DEFAULT_HOST;
  const portText = positional[1] ?? env.CQLSH_PORT;
  const validate = env.SSL_VALIDATE;
  const options: CqlshOptions = {
    host,
    port: portText !== undefined ? port(portText) : DEFAULT_PORT,
    ssl,
    sslValidate: validate === undefined || validate.toLowerCase() !== 'false',
    connectTimeoutS: values.connect !== undefined ? seconds('--connect-timeout', values.connect) : DEFAULT_CONNECT_TIMEOUT_S,
    requestTimeoutS: values.request !== undefined ? seconds('--request-timeout', values.request) : DEFAULT_REQUEST_TIMEOUT_S,
  };
  if (env.SSL_CERTFILE !== undefined && env.SSL_CERTFILE !== '') options.sslCertfile = env.SSL_CERTFILE;
  if (values.username !== undefined) options.username = values.username;
  if (values.password !== undefined) options.password = values.password;
  if (values.keyspace !== undefined) options.keyspace = values.keyspace;
  if (values.execute !== undefined) options.execute = values.execute;
  if (values.file !== undefined) options.file = values.file;
  return { kind: 'run', options };
}
