import { hasErrorCode } from '@charybdis/core';
import { parseCliArgs, USAGE } from './cli-options';
import { IotuneErrorCode } from './iotune-error-codes';
import { runIotune } from './iotune';
import type { IotuneIo } from './iotune';

/** Exit statuses of the CLI. */
export const ExitCode = {
  ok: 0,
  /** The run failed (directory, space, I/O, output). */
  failed: 1,
  /** A bad command line. */
  usage: 2,
  /** Stopped by SIGINT/SIGTERM (128 + SIGINT, as shells report it). */
  interrupted: 130,
} as const;

/**
 * The iotune command: parses `argv`, runs, and turns every failure into one line on
 * stderr (`iotune: error: …`) and an exit status. Never throws.
 */
export async function runCli(argv: readonly string[], cwd: string, io: IotuneIo): Promise<number> {
  try {
    const command = parseCliArgs(argv, cwd);
    if (command.kind === 'help') {
      io.stdout.write(`${USAGE}\n`);
      return ExitCode.ok;
    }
    await runIotune(command.options, io);
    return ExitCode.ok;
  } catch (err) {
    const message = oneLine(err instanceof Error ? err.message : String(err));
    if (hasErrorCode(err, IotuneErrorCode.interrupted)) {
      io.stderr.write('iotune: interrupted; the test file was removed and nothing was written\n');
      return ExitCode.interrupted;
    }
    io.stderr.write(`iotune: error: ${message}\n`);
    return hasErrorCode(err, IotuneErrorCode.usage) ? ExitCode.usage : ExitCode.failed;
  }
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}
