import * as path from 'node:path';
import { CharybdisError, createIoBackend } from '@charybdis/core';
import type { IotuneOptions } from './cli-options';
import { prepareEvaluationDirectory } from './evaluation-directory';
import { checkPropertiesFileWritable, readExisting, renderIoProperties, writeFileAtomically } from './io-properties-file';
import type { MeasuredDisk } from './io-properties-file';
import { IotuneErrorCode } from './iotune-error-codes';
import { measureDisk } from './measure-disk';
import type { DiskMeasurement } from './measure-disk';
import { planMeasurement } from './measurement-plan';
import { findMountPoint, MEMORY_FS_TYPES } from './mount-point';
import type { MountPoint } from './mount-point';
import { ProgressReporter } from './progress-reporter';
import type { ProgressStream } from './progress-reporter';
import { formatSummary } from './summary-table';
import { chooseTestFileSize, freeSpace } from './test-file-size';
import { withTestFile } from './test-file';
import type { TestFileInfo } from './test-file';
import { formatBytes } from './units';

/** Where a run reports: progress and warnings on `stderr`, the summary and the file written on `stdout`. */
export interface IotuneIo {
  stdout: { write(text: string): boolean };
  stderr: ProgressStream;
  /** Ctrl-C / SIGTERM: stops the measurement; the run then rejects with IOTUNE_INTERRUPTED. */
  signal: AbortSignal;
}

/**
 * One iotune run: checks the directory and the output file's folder, sizes the test
 * file against free space, measures the disk (see measureDisk), removes the test file,
 * then writes the properties file (merged with the entries for other disks) atomically
 * and prints a summary and what was written. Everything is checked before the long
 * measurement starts, so a bad path fails in milliseconds. Rejects with a
 * CharybdisError (IOTUNE_* or IO_* code) on any failure, the test file removed.
 */
export async function runIotune(options: IotuneOptions, io: IotuneIo): Promise<void> {
  const dir = options.evaluationDirectory;
  await prepareEvaluationDirectory(dir, options.evaluationDirectoryIsDefault);
  await checkPropertiesFileWritable(options.propertiesFile, options.propertiesFileIsDefault);
  const mount = await findMountPoint(dir);
  const size = chooseTestFileSize({ requestedBytes: options.fileSizeBytes, isDefault: options.fileSizeIsDefault, dir }, await freeSpace(dir));
  const plan = planMeasurement(options.durationS);
  const progress = new ProgressReporter(io.stderr, plan.totalMs);
  const { backend, kind } = createIoBackend();

  progress.note(
    `measuring the disk of ${dir} (mount point ${mount.path}${describeFs(mount)}): ` +
      `${formatBytes(size.sizeBytes)} test file, about ${Math.ceil(plan.totalMs / 1000)} s, ${kind} backend`,
  );
  if (size.shrunk) {
    progress.note(`note: test file reduced to ${formatBytes(size.sizeBytes)} to leave ${formatBytes(size.marginBytes)} free on the filesystem`);
  }
  if (kind !== 'io_uring') progress.note('warning: io_uring is unavailable; with the thread pool the IOPS found may be below what the disk can do');
  if (mount.fsType !== null && MEMORY_FS_TYPES.has(mount.fsType)) {
    progress.note(`warning: ${dir} is on ${mount.fsType}, which lives in memory: the numbers describe RAM, not a disk; do not use them for a node`);
  }

  let measurement: DiskMeasurement;
  let fileInfo: TestFileInfo;
  try {
    [measurement, fileInfo] = await withTestFile(backend, dir, size.sizeBytes, async (file, info) => {
      if (!info.direct) {
        progress.note(
          `warning: ${info.directFallbackReason ?? 'O_DIRECT unavailable'}: buffered I/O measures the page cache, ` +
            'so the numbers are meaningless for the disk',
        );
      }
      if (!info.preallocated) progress.note('note: the filesystem has no fallocate; the test file is not preallocated');
      throwIfAborted(io.signal);
      return [await measureDisk({ file, fileSizeBytes: size.sizeBytes, plan, progress, signal: io.signal }), info] as const;
    });
  } finally {
    progress.close();
    await backend.close();
  }
  throwIfAborted(io.signal);

  const measured: MeasuredDisk = {
    mountpoint: mount.path,
    readIops: measurement.randomRead.best.result.iops,
    readBandwidthBytesPerSec: measurement.sequentialRead.result.bandwidthBytesPerSec,
    writeIops: measurement.randomWrite.best.result.iops,
    writeBandwidthBytesPerSec: measurement.sequentialWrite.result.bandwidthBytesPerSec,
  };
  const file = options.propertiesFile;
  const rendered = renderIoProperties(measured, await readExisting(file), file, fileHeader(dir, mount, size.sizeBytes, fileInfo, kind));
  await writeFileAtomically(file, rendered.text);

  if (rendered.previousProblem !== null) {
    progress.note(`warning: the previous ${file} was not a valid io_properties file and was replaced (${rendered.previousProblem})`);
  }
  const what = [
    rendered.replaced ? `replaced the entry for ${mount.path}` : `added an entry for ${mount.path}`,
    ...(rendered.keptEntries > 0 ? [`kept ${rendered.keptEntries} entr${rendered.keptEntries === 1 ? 'y' : 'ies'} for other disks`] : []),
  ].join('; ');
  io.stdout.write(
    `${formatSummary(measurement)}\n\nWrote ${displayPath(file)} (${what}):\n\n` +
      `${rendered.text.replace(/^(?=.)/gm, '    ')}\n`,
  );
}

function fileHeader(dir: string, mount: MountPoint, sizeBytes: number, info: TestFileInfo, backendKind: string): string {
  return [
    " Disk model for Charybdis' I/O scheduler (packages/core/src/io/README.md).",
    ` Written by tools/iotune on ${new Date().toISOString()}: last measured ${dir}`,
    ` (mount point ${mount.path}${describeFs(mount)}) with a ${formatBytes(sizeBytes)} test file,`,
    ` ${info.direct ? 'O_DIRECT' : 'buffered I/O (page cache, not the disk!)'}, ${backendKind}.`,
    " Format: ScyllaDB's io_properties.yaml (conf/io_properties.yaml.example); IOPS are",
    ' random 4 KiB requests per second, bandwidths sequential 128 KiB bytes per second.',
    ' iotune replaces the entry for the mount point it measures and keeps the others.',
  ].join('\n');
}

function describeFs(mount: MountPoint): string {
  if (mount.fsType === null) return '';
  return `, ${mount.fsType}${mount.source !== null && mount.source.startsWith('/') ? ` on ${mount.source}` : ''}`;
}

/** The path relative to the current directory when it is inside it (conf/io_properties.yaml). */
function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new CharybdisError(IotuneErrorCode.interrupted, 'interrupted', { cause: signal.reason });
}
