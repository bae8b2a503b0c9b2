#!/usr/bin/env node
/**
 * `nodetool`: Cassandra-compatible node administration over a Charybdis node's REST admin
 * API (see ../README.md). This file only wires the process: streams and exit status.
 */
import { runNodetool } from './cli';

function main(): void {
  // A reader that goes away (`nodetool ring | head`) is not an error: stop quietly.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  void runNodetool(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, isTTY: process.stdout.isTTY === true }).then((code) => {
    process.exitCode = code;
  });
}

main();
