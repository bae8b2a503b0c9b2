import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { CharybdisError, parseIoProperties } from '@charybdis/core';
import YAML from 'yaml';
import { IotuneErrorCode } from './iotune-error-codes';

/** One measured disk, in the units of io_properties.yaml. */
export interface MeasuredDisk {
  /** Mount point of the measured filesystem (absolute). */
  mountpoint: string;
  readIops: number;
  readBandwidthBytesPerSec: number;
  writeIops: number;
  writeBandwidthBytesPerSec: number;
}

/** The text to write and how it relates to the file that was there. */
export interface RenderedIoProperties {
  text: string;
  /** Entries for other disks carried over from the existing file. */
  keptEntries: number;
  /** True when an entry for this mount point was replaced. */
  replaced: boolean;
  /** Why the existing file was not merged (unreadable YAML, invalid content); null otherwise. */
  previousProblem: string | null;
}

/**
 * Builds the io_properties.yaml text (ScyllaDB's format: rates as integers, bandwidth in
 * bytes/s) for `measured`, merged into `existingText` (the current file, or null): its
 * entries for other mount points are kept as they are, an entry listing this mount point
 * is replaced (an entry with a `mountpoints` list keeps its list, since those paths are
 * on the same device). An existing file that does not validate is replaced whole, and
 * `previousProblem` says why. The result is parsed back and validated with
 * parseIoProperties before it is returned, so iotune never writes a file the node refuses.
 */
export function renderIoProperties(measured: MeasuredDisk, existingText: string | null, source: string, header: string): RenderedIoProperties {
  const numbers = {
    read_iops: positiveInteger('read_iops', measured.readIops),
    read_bandwidth: positiveInteger('read_bandwidth', measured.readBandwidthBytesPerSec),
    write_iops: positiveInteger('write_iops', measured.writeIops),
    write_bandwidth: positiveInteger('write_bandwidth', measured.writeBandwidthBytesPerSec),
  };
  let ours: Record<string, unknown> = { mountpoint: measured.mountpoint, ...numbers };
  const disks: unknown[] = [];
  let keptEntries = 0;
  let replaced = false;
  let previousProblem: string | null = null;
  if (existingText !== null) {
    try {
      const doc: unknown = YAML.parse(existingText);
      const props = parseIoProperties(doc, source);
      const raw = (doc as { disks: unknown[] }).disks;
      props.disks.forEach((disk, i) => {
        const entry = raw[i] as Record<string, unknown>;
        if (!disk.mountpoints.includes(measured.mountpoint)) {
          disks.push(entry);
          keptEntries++;
        } else if (!replaced) {
          if (Array.isArray(entry['mountpoints'])) ours = { mountpoints: entry['mountpoints'], ...numbers };
          disks.push(ours);
          replaced = true;
        }
      });
    } catch (err) {
      previousProblem = oneLine(err instanceof Error ? err.message : String(err));
      disks.length = 0;
      keptEntries = 0;
      replaced = false;
    }
  }
  if (!replaced) disks.push(ours);

  const doc = new YAML.Document({ disks });
  doc.commentBefore = header;
  const text = doc.toString({ lineWidth: 0 });
  parseIoProperties(YAML.parse(text), `${source} (as written)`);
  return { text, keptEntries, replaced, previousProblem };
}

/**
 * Makes sure `file` can be written before anything is measured: its folder exists
 * (created when `createFolder`, for the default conf/ path) and is writable, and the
 * file is not a directory. Throws IOTUNE_OUTPUT naming the path.
 */
export async function checkPropertiesFileWritable(file: string, createFolder: boolean): Promise<void> {
  const dir = path.dirname(file);
  try {
    if (createFolder) await fs.mkdir(dir, { recursive: true });
    const st = await fs.stat(dir);
    if (!st.isDirectory()) throw Object.assign(new Error(`${dir} is not a directory`), { code: 'ENOTDIR' });
    await fs.access(dir, fs.constants.W_OK);
  } catch (err) {
    throw outputError(`cannot write the properties file ${file}: folder ${dir}`, err);
  }
  const st = await fs.stat(file).catch(() => null);
  if (st?.isDirectory() === true) throw outputError(`cannot write the properties file ${file}: it is a directory`, null);
}

/** The current text of `file`, or null when it does not exist. */
export async function readExisting(file: string): Promise<string | null> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ENOENT') return null;
    throw outputError(`cannot read the existing properties file ${file}`, err);
  }
}

/**
 * Replaces `file` with `text` atomically: a temporary file in the same folder is written,
 * fsynced and renamed over it, then the folder is fsynced, so a crash leaves the old file
 * or the new one, never half of one. The temporary file is removed on failure.
 */
export async function writeFileAtomically(file: string, text: string): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    const handle = await fs.open(tmp, 'wx', 0o644);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw outputError(`cannot write the properties file ${file}`, err);
  }
  const dir = await fs.open(path.dirname(file), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

function positiveInteger(field: string, value: number): number {
  const n = Math.floor(value);
  if (!(Number.isSafeInteger(n) && n > 0)) {
    throw new CharybdisError(IotuneErrorCode.measurement, `measured ${field} is ${value}, which io_properties.yaml cannot hold (must be a positive integer)`);
  }
  return n;
}

function outputError(message: string, cause: unknown): CharybdisError {
  const detail = cause instanceof Error ? `: ${cause.message}` : '';
  return new CharybdisError(IotuneErrorCode.output, `${message}${detail}`, { cause });
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}
