import pino from 'pino';
import pretty from 'pino-pretty';

export type Logger = pino.Logger;
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  level: LogLevel;
  /** Human-readable lines instead of JSON; the supervisor sets it when stdout is a TTY. */
  pretty: boolean;
  /** File descriptor to write to; default 1 (stdout). */
  fd?: number;
  /** Fields on every line, e.g. `{ node: '127.0.0.1' }`. */
  base?: Record<string, unknown>;
}

/**
 * The root logger of one thread. Writes go straight to the file descriptor with
 * synchronous writes, so lines from shard workers never queue behind the main thread and
 * nothing is lost when a thread exits; logging is kept off hot paths.
 */
export function createLogger(opts: LoggerOptions): Logger {
  const fd = opts.fd ?? 1;
  const options: pino.LoggerOptions = { level: opts.level, base: opts.base ?? {} };
  if (opts.pretty) {
    return pino(options, pretty({ destination: fd, sync: true, colorize: true, singleLine: true, translateTime: 'SYS:HH:MM:ss.l' }));
  }
  return pino(options, pino.destination({ dest: fd, sync: true }));
}

/** The logger of one shard: every line carries `shard`. */
export function shardLogger(root: Logger, shardId: number): Logger {
  return root.child({ shard: shardId });
}

/** The logger of one subsystem (transport, commitlog, compaction, …) under a parent. */
export function subsystemLogger(parent: Logger, subsystem: string): Logger {
  return parent.child({ subsystem });
}
