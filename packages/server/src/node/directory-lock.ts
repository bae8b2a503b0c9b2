import fs from 'node:fs';
import path from 'node:path';
import { CharybdisError, hasErrorCode } from '@charybdis/core';

export const LOCK_FILE_NAME = 'charybdis.lock';

interface LockContent {
  pid: number;
  startedAt: string;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return hasErrorCode(err, 'EPERM'); // exists, owned by someone else
  }
}

function readLock(file: string): LockContent | null {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<LockContent>;
    return typeof parsed.pid === 'number' ? { pid: parsed.pid, startedAt: String(parsed.startedAt) } : null;
  } catch {
    return null; // unreadable or half-written: treated as stale below
  }
}

/**
 * An exclusive claim on the directories a node writes to: one lock file per directory,
 * created with O_EXCL and holding the owner's pid. A second node on the same directory
 * fails before it touches anything; a lock left by a node that died (its pid no longer
 * runs) is taken over with a warning. Owned by the supervisor; released at exit.
 */
export class DirectoryLock {
  private readonly files: string[] = [];

  /**
   * Creates each directory if missing and locks it. Throws CHARYBDIS_DATA_DIR_LOCKED naming
   * the directory and the other node's pid; on any failure the locks already taken are
   * released. `onStale` is told about each stale lock that was taken over.
   */
  static acquire(dirs: readonly string[], onStale: (file: string, pid: number) => void): DirectoryLock {
    const lock = new DirectoryLock();
    try {
      for (const dir of [...new Set(dirs.map((d) => path.resolve(d)))]) lock.lockOne(dir, onStale);
    } catch (err) {
      lock.release();
      throw err;
    }
    return lock;
  }

  private lockOne(dir: string, onStale: (file: string, pid: number) => void): void {
    try {
      fs.mkdirSync(dir, { recursive: true });
    } catch (err) {
      throw new CharybdisError('CHARYBDIS_DATA_DIR_UNUSABLE', `cannot create directory ${dir}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    const file = path.join(dir, LOCK_FILE_NAME);
    const content: LockContent = { pid: process.pid, startedAt: new Date().toISOString() };
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = fs.openSync(file, 'wx');
        try {
          fs.writeSync(fd, JSON.stringify(content) + '\n');
        } finally {
          fs.closeSync(fd);
        }
        this.files.push(file);
        return;
      } catch (err) {
        if (!hasErrorCode(err, 'EEXIST')) {
          throw new CharybdisError('CHARYBDIS_DATA_DIR_UNUSABLE', `cannot create lock file ${file}: ${(err as Error).message}`, {
            cause: err,
          });
        }
      }
      const holder = readLock(file);
      if (holder !== null && holder.pid !== process.pid && processAlive(holder.pid)) {
        throw new CharybdisError(
          'CHARYBDIS_DATA_DIR_LOCKED',
          `directory ${dir} is in use by another Charybdis node (pid ${holder.pid}, started ${holder.startedAt}); ` +
            `stop that node, or remove ${file} if you are sure no node uses it`,
        );
      }
      onStale(file, holder?.pid ?? -1);
      fs.rmSync(file, { force: true });
    }
    throw new CharybdisError('CHARYBDIS_DATA_DIR_LOCKED', `could not take the lock ${file}: another process keeps re-creating it`);
  }

  /** Removes the lock files this process still owns. Idempotent. */
  release(): void {
    for (const file of this.files.splice(0)) {
      const holder = readLock(file);
      if (holder === null || holder.pid === process.pid) fs.rmSync(file, { force: true });
    }
  }
}
