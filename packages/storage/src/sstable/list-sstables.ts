import fs from 'node:fs';
import path from 'node:path';
import { parseSSTableFileName } from './sstable-file-names';
import { TOC_TEMP_SUFFIX, removeFileIfExists, syncDirectory } from './sstable-files';
import type { SSTableLogger } from './sstable-types';

/**
 * The start-up scan of a table directory: the generations with a TOC are complete and
 * returned sorted ascending; a generation with component files but no TOC is what a crash
 * during a write (or a delete) leaves, so its files are deleted, with a warning naming
 * them, and the directory is synced. Files that are not SSTable components are left alone.
 */
export async function listSSTables(directory: string, logger: SSTableLogger): Promise<{ generations: number[]; removedPartial: number[] }> {
  const byGeneration = new Map<number, { names: string[]; complete: boolean }>();
  for (const name of await fs.promises.readdir(directory)) {
    // A TOC still being written (see SSTableWriter.finish): its generation is not complete.
    const tempToc = name.endsWith(TOC_TEMP_SUFFIX) ? parseSSTableFileName(name.slice(0, -TOC_TEMP_SUFFIX.length)) : null;
    const parsed = tempToc !== null && tempToc.component === 'TOC' ? { ...tempToc, temporary: true } : parseSSTableFileName(name);
    if (parsed === null) continue;
    let g = byGeneration.get(parsed.generation);
    if (g === undefined) byGeneration.set(parsed.generation, (g = { names: [], complete: false }));
    g.names.push(name);
    if (parsed.component === 'TOC' && !('temporary' in parsed)) g.complete = true;
  }
  const generations: number[] = [];
  const removedPartial: number[] = [];
  for (const [generation, g] of byGeneration) {
    if (g.complete) {
      generations.push(generation);
      continue;
    }
    logger.warn({ directory, generation, files: g.names.sort() }, 'removing partial SSTable (no TOC): files of an interrupted write or delete');
    for (const name of g.names) await removeFileIfExists(path.join(directory, name));
    removedPartial.push(generation);
  }
  if (removedPartial.length > 0) await syncDirectory(directory);
  generations.sort((a, b) => a - b);
  removedPartial.sort((a, b) => a - b);
  return { generations, removedPartial };
}
