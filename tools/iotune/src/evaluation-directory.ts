import * as fs from 'node:fs/promises';
import { CharybdisError } from '@charybdis/core';
import { IotuneErrorCode } from './iotune-error-codes';

/**
 * Checks the directory to measure: it must exist (the default one, the node's data
 * directory, is created when missing), be a directory and be writable. Throws
 * IOTUNE_BAD_DIRECTORY with a message naming the path and the problem.
 */
export async function prepareEvaluationDirectory(dir: string, createIfMissing: boolean): Promise<void> {
  const fail = (problem: string, cause: unknown): never => {
    throw new CharybdisError(IotuneErrorCode.badDirectory, `evaluation directory ${dir} ${problem}`, { cause });
  };
  if (createIfMissing) {
    try {
      await fs.mkdir(dir, { recursive: true });
    } catch (err) {
      fail(`cannot be created: ${errorText(err)}`, err);
    }
  }
  let isDirectory = false;
  try {
    isDirectory = (await fs.stat(dir)).isDirectory();
  } catch (err) {
    fail(codeOf(err) === 'ENOENT' ? 'does not exist' : `cannot be read: ${errorText(err)}`, err);
  }
  if (!isDirectory) fail('is not a directory', null);
  try {
    await fs.access(dir, fs.constants.W_OK);
  } catch (err) {
    fail(`is not writable: ${errorText(err)}`, err);
  }
}

function codeOf(err: unknown): unknown {
  return typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
