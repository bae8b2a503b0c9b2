import { hasErrorCode } from '@charybdis/core';
import { SHORT_USAGE, USAGE, parseCliArgs } from './cli-options';
import { runDump } from './sstable-dump';
import type { DumpIo } from './sstable-dump';
import { SSTableDumpErrorCode } from './sstabledump-error-codes';

/** Exit statuses of the CLI. */
export const ExitCode = {
  ok: 0,
  /** Any failure: bad command line, missing or corrupt SSTable, bad or mismatched schema. */
  failed: 1,
} as const;

/**
 * The sstabledump command: parses `argv`, runs, and turns every failure into
 * `sstabledump: error: <message>` on stderr followed by the usage (all of it for a bad
 * command line, one line otherwise) and exit status 1. Never throws.
 */
export async function runCli(argv: readonly string[], cwd: string, io: DumpIo): Promise<number> {
  try {
    const command = parseCliArgs(argv, cwd);
    if (command.kind === 'help') {
      io.stdout.write(`${USAGE}\n`);
      return ExitCode.ok;
    }
    await runDump(command.options, io);
    return ExitCode.ok;
  } catch (err) {
    const message = (err instanceof Error ? err.message : String(err)).replace(/\s*\n\s*/g, ' ');
    io.stderr.write(`sstabledump: error: ${message}\n${hasErrorCode(err, SSTableDumpErrorCode.usage) ? USAGE : SHORT_USAGE}\n`);
    return ExitCode.failed;
  }
}
