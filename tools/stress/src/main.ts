#!/usr/bin/env node
/**
 * `stress`: a cassandra-stress-like load generator (see ../README.md). This file only
 * wires the process: signals and the exit status.
 */
import { runCli } from './cli';
import type { RunControl } from './cli';

function main(): void {
  const control: RunControl = {};
  // First Ctrl-C: stop starting operations, let the outstanding ones finish, print the
  // summary of what ran. A second one exits at once.
  let signalled = false;
  const onSignal = (): void => {
    if (signalled) process.exit(130);
    signalled = true;
    control.stop?.();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  void runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }, control).then((code) => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.exitCode = signalled && code === 0 ? 130 : code;
  });
}

main();
