import * as path from 'node:path';
import { SSTableDumpErrorCode, dumpError } from './sstabledump-error-codes';

/** What one run dumps and how, paths absolute. */
export interface DumpOptions {
  /** Any component file of the SSTable (usually its Data.db). */
  readonly sstableFile: string;
  /** The table schema file (JSON, see README.md); required: even --verify decodes every partition. */
  readonly schemaFile: string;
  /** -k: only these partition keys (CQL literals, composite parts separated by ':'), in this order. */
  readonly includeKeys: readonly string[];
  /** -x: partition keys left out. */
  readonly excludeKeys: readonly string[];
  /** -d: one line per partition in the internal (debug) form instead of JSON. */
  readonly debugLines: boolean;
  /** -t: every timestamp and local time also as an ISO-8601 string. */
  readonly isoTimestamps: boolean;
  /** --verify: check every checksum and the Digest, print OK or the error, dump nothing. */
  readonly verify: boolean;
}

/** What the command line asks for. */
export type CliCommand = { kind: 'help' } | { kind: 'dump'; options: DumpOptions };

export const USAGE = `Usage: sstabledump <sstable file> [options]

Prints the partitions and rows of one SSTable as JSON (a JSON array of partitions, streamed).
<sstable file> is any component file of the SSTable (cha-<generation>-Data.db, -Index.db,
..., -TOC.txt); the other components are found beside it.

Options:
  --schema FILE   the table's schema as JSON: {"partitionKey": ["int"], "clustering":
                  [{"name": "ck", "type": "int", "order": "ASC"}], "columns":
                  [{"name": "v", "type": "text"}]} (types in CQL syntax); required, as
                  SSTables do not carry the CQL schema (see tools/sstabledump/README.md)
  -k KEY          dump only this partition key (repeatable); CQL literal of the key type,
                  the parts of a composite key separated by ':' (write '\\:' for a ':')
  -x KEY          leave this partition key out (repeatable)
  -d              one line per partition in the internal form instead of JSON
  -t              timestamps and local times as ISO-8601 strings as well
  --verify        check every checksum and the Digest; prints OK (exit 0) or the error
  -h, --help      print this help

Exit status: 0 on success, 1 on any error (the message on stderr).`;

/** The one-line reminder printed after an error that is not a usage error. */
export const SHORT_USAGE = 'Usage: sstabledump <sstable file> [--schema FILE] [-k KEY]... [-x KEY]... [-d] [-t] [--verify] (--help for details)';

function usageError(message: string): Error {
  return dumpError(SSTableDumpErrorCode.usage, message);
}

/** Parses `argv` (without node and the script); relative paths are resolved against `cwd`. Throws SSTABLEDUMP_USAGE. */
export function parseCliArgs(argv: readonly string[], cwd: string): CliCommand {
  let file: string | undefined;
  let schemaFile: string | undefined;
  const includeKeys: string[] = [];
  const excludeKeys: string[] = [];
  let debugLines = false;
  let isoTimestamps = false;
  let verify = false;
  const valueOf = (i: number, flag: string): string => {
    const v = argv[i + 1];
    if (v === undefined) throw usageError(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h' || arg === '--help') return { kind: 'help' };
    if (arg === '--schema') schemaFile = path.resolve(cwd, valueOf(i++, arg));
    else if (arg.startsWith('--schema=')) schemaFile = path.resolve(cwd, arg.slice('--schema='.length));
    else if (arg === '-k') includeKeys.push(valueOf(i++, arg));
    else if (arg === '-x') excludeKeys.push(valueOf(i++, arg));
    else if (arg === '-d') debugLines = true;
    else if (arg === '-t') isoTimestamps = true;
    else if (arg === '--verify') verify = true;
    else if (arg.startsWith('-') && arg !== '-') throw usageError(`unknown option '${arg}'`);
    else if (file !== undefined) throw usageError(`one SSTable file only (got '${file}' and '${arg}')`);
    else file = arg;
  }
  if (file === undefined) throw usageError('no SSTable file given');
  if (schemaFile === undefined) {
    throw usageError('--schema FILE is needed: SSTables do not carry the CQL schema (a later version reads it from the node\'s system_schema tables)');
  }
  return { kind: 'dump', options: { sstableFile: path.resolve(cwd, file), schemaFile, includeKeys, excludeKeys, debugLines, isoTimestamps, verify } };
}
