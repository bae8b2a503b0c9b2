import * as path from 'node:path';
import { CharybdisError } from '@charybdis/core';
import { IotuneErrorCode } from './iotune-error-codes';
import { formatBytes, parseSizeBytes } from './units';

/** The node's default data directory (conf/charybdis.yaml: `<workdir>/data`, workdir `./data`). */
export const DEFAULT_EVALUATION_DIRECTORY = 'data/data';
/** Where the node looks for the disk model by default. */
export const DEFAULT_PROPERTIES_FILE = 'conf/io_properties.yaml';
/** Measurement budget of a default run: with setup and the final sync, well under 2 minutes. */
export const DEFAULT_DURATION_S = 90;
/** Shortest and longest accepted --duration-s. */
export const MIN_DURATION_S = 1;
export const MAX_DURATION_S = 3600;
/** Default test file: large enough to defeat small device caches, quick to fill on an SSD. */
export const DEFAULT_FILE_SIZE_BYTES = 2 ** 30;
/** Smallest accepted test file (also the smallest the free-space rule may shrink to). */
export const MIN_FILE_SIZE_BYTES = 2 ** 20;
/** The test file's size is rounded down to whole sequential requests (128 KiB). */
export const FILE_SIZE_GRANULE_BYTES = 128 * 1024;

/** What a run measures and where it writes, all paths absolute. */
export interface IotuneOptions {
  /** The directory whose disk is measured; the test file is created in it. */
  evaluationDirectory: string;
  /** True when no --evaluation-directory was given: the directory is created if missing. */
  evaluationDirectoryIsDefault: boolean;
  /** The io_properties.yaml to write (entries for other disks in it are kept). */
  propertiesFile: string;
  /** True when no --properties-file was given: its folder is created if missing. */
  propertiesFileIsDefault: boolean;
  /** Budget of the measurement steps together. */
  durationS: number;
  /** Requested test file size (a multiple of 128 KiB). */
  fileSizeBytes: number;
  /** True when no --file-size was given: the file may be made smaller when free space is low. */
  fileSizeIsDefault: boolean;
}

/** What the command line asks for. */
export type CliCommand = { kind: 'help' } | { kind: 'run'; options: IotuneOptions };

export const USAGE = `Usage: iotune [options]

Measures the disk holding a directory (sequential read/write bandwidth with 128 KiB
requests, random 4 KiB read/write IOPS at rising parallelism) and writes the disk model
the node's I/O scheduler reads (ScyllaDB's io_properties.yaml format).

Options:
  --evaluation-directory DIR  directory on the disk to measure; a test file is created
                              there and removed at the end
                              (default: ${DEFAULT_EVALUATION_DIRECTORY}, created if missing)
  --properties-file FILE      file to write; an entry for another disk already in it
                              is kept (default: ${DEFAULT_PROPERTIES_FILE})
  --duration-s N              time budget of the measurements in seconds, ${MIN_DURATION_S}..${MAX_DURATION_S}
                              (default: ${DEFAULT_DURATION_S}; the whole run stays under 2 minutes)
  --file-size SIZE            test file size, e.g. 16M, 1G (default: ${formatBytes(DEFAULT_FILE_SIZE_BYTES)},
                              less when free space is low)
  -h, --help                  print this help

Relative paths are resolved against the current directory (the repository root when
run as \`npm run iotune -- …\`).`;

const VALUE_FLAGS = ['--evaluation-directory', '--properties-file', '--duration-s', '--file-size'] as const;
type ValueFlag = (typeof VALUE_FLAGS)[number];

/**
 * Parses iotune's command line (`argv` without node and the script). `-h`/`--help`
 * anywhere asks for the usage. Flags take their value as the next argument or after
 * `=`; a repeated flag keeps its last value. Throws
 * a CharybdisError IOTUNE_USAGE naming the bad argument.
 */
export function parseCliArgs(argv: readonly string[], cwd: string): CliCommand {
  if (argv.some((arg) => arg === '-h' || arg === '--help')) return { kind: 'help' };
  const values = new Map<ValueFlag, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const name = eq >= 0 && arg.startsWith('--') ? arg.slice(0, eq) : arg;
    if (!isValueFlag(name)) {
      throw usageError(arg.startsWith('-') ? `unknown option '${name}'` : `unexpected argument '${arg}'`);
    }
    let value: string | undefined;
    if (eq >= 0 && arg.startsWith('--')) value = arg.slice(eq + 1);
    else value = argv[++i];
    if (value === undefined || value === '') throw usageError(`${name} needs a value`);
    values.set(name, value);
  }

  const dirFlag = values.get('--evaluation-directory');
  const fileFlag = values.get('--properties-file');
  const sizeFlag = values.get('--file-size');
  return {
    kind: 'run',
    options: {
      evaluationDirectory: path.resolve(cwd, dirFlag ?? DEFAULT_EVALUATION_DIRECTORY),
      evaluationDirectoryIsDefault: dirFlag === undefined,
      propertiesFile: path.resolve(cwd, fileFlag ?? DEFAULT_PROPERTIES_FILE),
      propertiesFileIsDefault: fileFlag === undefined,
      durationS: parseDuration(values.get('--duration-s')),
      fileSizeBytes: sizeFlag === undefined ? DEFAULT_FILE_SIZE_BYTES : parseFileSize(sizeFlag),
      fileSizeIsDefault: sizeFlag === undefined,
    },
  };
}

function isValueFlag(name: string): name is ValueFlag {
  return (VALUE_FLAGS as readonly string[]).includes(name);
}

function parseDuration(text: string | undefined): number {
  if (text === undefined) return DEFAULT_DURATION_S;
  const n = /^\d+(?:\.\d+)?$/.test(text) ? Number(text) : NaN;
  if (!(n >= MIN_DURATION_S && n <= MAX_DURATION_S)) {
    throw usageError(`--duration-s must be a number of seconds from ${MIN_DURATION_S} to ${MAX_DURATION_S}, got '${text}'`);
  }
  return n;
}

function parseFileSize(text: string): number {
  const bytes = parseSizeBytes(text);
  if (bytes === undefined) throw usageError(`--file-size must be a size such as 16M or 1G, got '${text}'`);
  const rounded = Math.floor(bytes / FILE_SIZE_GRANULE_BYTES) * FILE_SIZE_GRANULE_BYTES;
  if (rounded < MIN_FILE_SIZE_BYTES) {
    throw usageError(`--file-size must be at least ${formatBytes(MIN_FILE_SIZE_BYTES)}, got '${text}'`);
  }
  return rounded;
}

function usageError(problem: string): CharybdisError {
  return new CharybdisError(IotuneErrorCode.usage, `${problem} (see iotune --help)`);
}
