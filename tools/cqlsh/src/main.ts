#!/usr/bin/env node
/**
 * `cqlsh`: the CQL shell (see ../README.md). This file wires the process: the command
 * line, the connection, interactive or batch mode, and the exit status (0; 1 when the
 * shell cannot start or connect; 2 when a statement failed in batch mode, as cqlsh).
 */
import fs from 'node:fs';
import { CQLSH_VERSION, USAGE, parseCliArgs } from './cli-options';
import type { CqlshOptions } from './cli-options';
import { formatConnectionError } from './error-format';
import { historyPath } from './history-file';
import { InteractiveSession } from './interactive';
import { askPassword } from './password-prompt';
import { openSession } from './session';
import { Shell } from './shell';
import { quoteIdentifier } from '@charybdis/schema';

function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    process.stdin.on('data', (c: Buffer) => chunks.push(c));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    process.stdin.on('error', reject);
  });
}

async function run(options: CqlshOptions): Promise<number> {
  let fileText: string | undefined;
  if (options.file !== undefined) {
    try {
      fileText = fs.readFileSync(options.file, 'utf8');
    } catch (err) {
      process.stderr.write(`Can't open '${options.file}': ${(err as Error).message}\n`);
      return 1;
    }
  }
  if (options.username !== undefined && options.password === undefined) {
    if (process.stdin.isTTY !== true) {
      process.stderr.write('cqlsh: error: -u without -p needs a terminal to ask the password on\n');
      return 2;
    }
    const password = await askPassword(process.stdin, process.stdout);
    if (password === undefined) {
      process.stderr.write('Connection aborted.\n');
      return 1;
    }
    options.password = password;
  }
  let session;
  try {
    session = await openSession(options);
  } catch (err) {
    process.stderr.write(`${formatConnectionError(err, `${options.host}:${options.port}`)}\n`);
    return 1;
  }
  const interactive = options.execute === undefined && fileText === undefined && process.stdin.isTTY === true;
  const term = interactive
    ? new InteractiveSession({ input: process.stdin, output: process.stdout, errorOutput: process.stderr, historyFile: historyPath(process.env), ...(options.username !== undefined ? { username: options.username } : {}) })
    : undefined;
  const io = term?.io ?? { out: (l: string) => void process.stdout.write(`${l}\n`), err: (l: string) => void process.stderr.write(`${l}\n`) };
  const shell = new Shell(session, io, interactive);
  try {
    if (options.keyspace !== undefined) {
      await shell.runStatement(`USE ${quoteIdentifier(options.keyspace)}`);
      if (shell.hadError) return 2;
    }
    if (term !== undefined) {
      io.out(`Connected to ${session.info.clusterName} at ${session.contactPoint}`);
      await shell.runStatement('SHOW VERSION');
      io.out('Use HELP for help.');
      await term.run(shell);
      return 0;
    }
    if (options.execute !== undefined) {
      const text = options.execute.trimEnd();
      await shell.runScript(text.endsWith(';') ? text : `${text};`, '<stdin>');
    } else if (fileText !== undefined) {
      await shell.runScript(fileText, options.file!);
    } else {
      await shell.runScript(await readStdin(), '<stdin>');
    }
    return shell.hadError ? 2 : 0;
  } finally {
    await session.client.shutdown();
  }
}

function main(): void {
  // `cqlsh -e … | head`: a closed pipe ends the output quietly, as in a shell pipeline.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  let command;
  try {
    command = parseCliArgs(process.argv.slice(2), process.env);
  } catch (err) {
    process.stderr.write(`${USAGE.split('\n')[0]}\ncqlsh: error: ${(err as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  if (command.kind === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (command.kind === 'version') {
    process.stdout.write(`cqlsh ${CQLSH_VERSION}\n`);
    return;
  }
  run(command.options).then(
    (code) => {
      process.exitCode = code;
      // A driver still retrying a host that never answered must not keep the shell alive:
      // once the output is flushed, leave.
      if (code === 1) process.stderr.write('', () => process.stdout.write('', () => process.exit(code)));
    },
    (err: unknown) => {
      process.stderr.write(`cqlsh: ${(err as Error).stack ?? String(err)}\n`);
      process.exitCode = 1;
    },
  );
}

main();
