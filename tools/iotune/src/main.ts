#!/usr/bin/env node
/**
 * `iotune`: measures the disk of a directory and writes conf/io_properties.yaml (see
 * ../README.md). This file only wires the process: signals and the exit status.
 */
import { runCli } from './cli';

function main(): void {
  const abort = new AbortController();
  // First Ctrl-C: stop the measurement cleanly (the loads drain, the file is closed and
  // nothing is written). A second one exits at once; the test file was unlinked right
  // after it was opened, so the kernel frees it when the process goes.
  const onSignal = (signal: NodeJS.Signals): void => {
    if (abort.signal.aborted) process.exit(130);
    abort.abort(new Error(`received ${signal}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  void runCli(process.argv.slice(2), process.cwd(), { stdout: process.stdout, stderr: process.stderr, signal: abort.signal }).then((code) => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.exitCode = code;
  });
}

main();
