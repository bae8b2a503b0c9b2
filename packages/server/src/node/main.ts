import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger, hasErrorCode } from '@charybdis/core';
import { loadConfig } from '../config';
import { charybdisVersion } from './charybdis-version';
import { loadClientTls, TLS_INVALID } from '../tls/client-tls';
import { NodeSupervisor } from './node-supervisor';

/** Walks up from this file to the folder holding conf/charybdis.yaml (the repository or image root). */
function defaultConfigPath(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'conf', 'charybdis.yaml');
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) return path.resolve('conf', 'charybdis.yaml');
  }
}

function failLine(message: string): number {
  process.stderr.write(`charybdis: error: ${message}\n`);
  return 1;
}

/**
 * The `charybdis` command: validate the configuration, start the node, and run until a
 * signal or a dead shard stops it. Resolves with the process exit code. Errors the user
 * can fix (configuration, ports, a locked data directory) are one line on stderr.
 */
export async function main(argv: string[]): Promise<number> {
  let loaded;
  try {
    loaded = loadConfig({
      argv,
      env: process.env,
      cwd: process.cwd(),
      defaultConfigPath: defaultConfigPath(),
      cpuCount: os.availableParallelism(),
      totalMemoryBytes: os.totalmem(),
    });
  } catch (err) {
    if (hasErrorCode(err, 'CHARYBDIS_CONFIG_INVALID')) return failLine((err as Error).message.replace(/^charybdis: /, ''));
    throw err;
  }
  if (loaded.kind === 'help') {
    process.stdout.write(loaded.text);
    return 0;
  }
  if (loaded.kind === 'version') {
    process.stdout.write(`charybdis ${charybdisVersion()}\n`);
    return 0;
  }
  const { config } = loaded;
  try {
    loadClientTls(config); // a bad certificate stops the node here, naming the file
  } catch (err) {
    if (hasErrorCode(err, TLS_INVALID)) return failLine((err as Error).message);
    throw err;
  }
  const logPretty = process.stdout.isTTY === true;
  const logger = createLogger({ level: config.default_log_level, pretty: logPretty });
  logger.info({ configFile: loaded.configPath, pid: process.pid, node: process.version }, 'starting Charybdis');

  const crash = process.env.CHARYBDIS_INJECT_SHARD_CRASH;
  const supervisor = new NodeSupervisor({
    config,
    logger,
    logPretty,
    crashShard: crash !== undefined && /^\d+$/.test(crash) ? Number(crash) : null,
  });
  const onSignal = (signal: NodeJS.Signals): void => {
    void supervisor.stop(signal);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  try {
    await supervisor.start();
  } catch (err) {
    if (typeof (err as { code?: unknown }).code === 'string' && String((err as { code: string }).code).startsWith('CHARYBDIS_')) {
      return failLine((err as Error).message);
    }
    throw err;
  }
  return supervisor.done;
}
