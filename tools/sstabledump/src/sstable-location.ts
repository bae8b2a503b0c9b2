import * as fs from 'node:fs';
import * as path from 'node:path';
import { SSTABLE_COMPONENTS, parseSSTableFileName, sstableFileName } from '@charybdis/storage';
import { SSTableDumpErrorCode, dumpError } from './sstabledump-error-codes';

/** Where an SSTable lives: its table directory and generation. */
export interface SSTableLocation {
  readonly directory: string;
  readonly generation: number;
  /** Its Data component's path (for messages). */
  readonly dataFile: string;
}

/**
 * The SSTable a component file belongs to. Throws SSTABLEDUMP_FILE_NOT_FOUND when the file
 * does not exist and SSTABLEDUMP_NOT_AN_SSTABLE when it is not a regular file named like a
 * component (`cha-<generation>-<Component>.db` or `cha-<generation>-TOC.txt`). Whether
 * the other components are there and sound is for SSTableReader.open to say.
 */
export function locateSSTable(file: string): SSTableLocation {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw dumpError(SSTableDumpErrorCode.fileNotFound, `${file}: no such file`, err);
    throw dumpError(SSTableDumpErrorCode.fileNotFound, `${file}: cannot access it (${(err as Error).message})`, err);
  }
  const parsed = parseSSTableFileName(path.basename(file));
  const expected = `expected one of its component files, ${SSTABLE_COMPONENTS.map((c) => sstableFileName(0, c).replace('-0-', '-<generation>-')).join(', ')}`;
  if (stat.isDirectory()) throw dumpError(SSTableDumpErrorCode.notAnSSTable, `${file} is a directory, not an SSTable: ${expected}`);
  if (!stat.isFile()) throw dumpError(SSTableDumpErrorCode.notAnSSTable, `${file} is not a regular file, not an SSTable`);
  if (parsed === null) throw dumpError(SSTableDumpErrorCode.notAnSSTable, `${file} is not an SSTable: ${expected}`);
  const directory = path.dirname(file);
  return { directory, generation: parsed.generation, dataFile: path.join(directory, sstableFileName(parsed.generation, 'Data')) };
}
