#!/usr/bin/env node
/**
 * `sstabledump`: prints an SSTable's partitions and rows as JSON (see ../README.md). This
 * file only wires the process: the streams and the exit status.
 */
import { runCli } from './cli';

function main(): void {
  // A reader that goes away (`sstabledump … | head`) is not an error: stop quietly.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  void runCli(process.argv.slice(2), process.cwd(), { stdout: process.stdout, stderr: process.stderr }).then((code) => {
    process.exitCode = code;
  });
}

main();
