import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { syncDirectory, unlinkIfExists, writeFileDurably } from './durable-files';

const PREFIX = 'compaction-';
const SUFFIX = '.log';

/** The few logger methods used here. */
interface LogLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** Removes SSTable generation `generation` of `directory` (TOC first); supplied by the caller. */
export type RemoveGeneration = (generation: number) => Promise<void>;

/**
 * The crash-safety record of replacing SSTables (compaction). Its outputs are complete
 * (TOC written and synced) before the log is written; the log names the inputs; only then
 * are the inputs' TOCs removed. A crash at any point leaves either all inputs (no log: the
 * outputs only duplicate them, and merging is idempotent) or the log, which start-up
 * completes by removing every input it names. Without it, a crash after some inputs were
 * removed could bring back data whose tombstone compaction purged with another input.
 */
export class CompactionLog {
  readonly file: string;

  private constructor(file: string) {
    this.file = file;
  }

  /** Durably records that `inputs` are replaced; the log's name is unique per `id`. */
  static async write(directory: string, id: number, inputs: readonly number[]): Promise<CompactionLog> {
    const file = path.join(directory, `${PREFIX}${id}${SUFFIX}`);
    await writeFileDurably(file, JSON.stringify({ version: 1, inputs }) + '\n');
    return new CompactionLog(file);
  }

  /** The replacement is complete (every input's TOC removed): forget it. */
  async done(): Promise<void> {
    await unlinkIfExists(this.file);
    await syncDirectory(path.dirname(this.file));
  }

  /**
   * Start-up: completes every replacement a crash interrupted by removing the inputs each
   * log names, then deletes the log. Run before listing SSTables. An unreadable log (torn
   * before its rename could not happen, so only by outside damage) stops start-up with an
   * error naming it rather than guessing.
   */
  static async recover(directory: string, remove: RemoveGeneration, logger: LogLogger): Promise<number> {
    let names: string[];
    try {
      names = await fs.readdir(directory);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw err;
    }
    let recovered = 0;
    for (const name of names) {
      if (name.startsWith(PREFIX) && name.endsWith(`${SUFFIX}.tmp`)) await unlinkIfExists(path.join(directory, name));
      if (!name.startsWith(PREFIX) || !name.endsWith(SUFFIX)) continue;
      const file = path.join(directory, name);
      const inputs = parseLog(await fs.readFile(file, 'utf8'), file);
      for (const g of inputs) await remove(g);
      logger.info({ file, inputs }, 'completed an interrupted compaction: removed its inputs');
      await new CompactionLog(file).done();
      recovered++;
    }
    return recovered;
  }
}

function parseLog(text: string, file: string): number[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`compaction log ${file} is unreadable; inspect it, then delete it (its inputs may be deleted if the outputs it lists exist)`);
  }
  const inputs = (parsed as { inputs?: unknown }).inputs;
  if (!Array.isArray(inputs) || !inputs.every((g) => Number.isSafeInteger(g) && (g as number) > 0)) {
    throw new Error(`compaction log ${file} has no valid input list`);
  }
  return inputs as number[];
}
