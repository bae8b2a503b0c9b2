/**
 * The interactive history file (cqlsh's ~/.cassandra/cqlsh_history, or $CQL_HISTORY): one
 * entry per line, oldest first, at most HISTORY_MAX_ENTRIES kept.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Entries kept in the file and in memory. */
export const HISTORY_MAX_ENTRIES = 1000;

/** The history file's path: $CQL_HISTORY, else ~/.cassandra/cqlsh_history. */
export function historyPath(env: Record<string, string | undefined>): string {
  return env.CQL_HISTORY ?? path.join(os.homedir(), '.cassandra', 'cqlsh_history');
}

/** Entries newest first (readline's order); none when the file is missing or unreadable. */
export function loadHistory(file: string): string[] {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').slice(-HISTORY_MAX_ENTRIES).reverse();
  } catch {
    return [];
  }
}

/** Writes `newestFirst` (readline's order). Returns an error message, or undefined. */
export function saveHistory(file: string, newestFirst: readonly string[]): string | undefined {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, [...newestFirst.slice(0, HISTORY_MAX_ENTRIES)].reverse().join('\n') + '\n', { mode: 0o600 });
    return undefined;
  } catch (err) {
    return `Warning: could not save history to ${file}: ${(err as Error).message}`;
  }
}
