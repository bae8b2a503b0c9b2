import fs from 'node:fs';
import { CharybdisError } from '../../errors';
import { Gate } from '../../util/gate';
import { allocateAligned } from './allocate-aligned';
import { checkIoArgs } from './check-io-args';
import type { IoBackend } from './io-backend';
import { IoErrorCodes } from './io-error-codes';

/** Bytes of zeros written per request when `fallocate` extends a file. */
const ZERO_CHUNK_BYTES = 1024 * 1024;

/**
 * The pure-TypeScript backend: node:fs callbacks, executed on libuv's thread pool (4
 * threads by default, shared with DNS, zlib and crypto), completions delivered on this
 * thread's event loop. Used where io_uring is unavailable (no addon, a kernel or seccomp
 * policy that refuses it); roughly a quarter of io_uring's IOPS at depth 32 and several
 * times its CPU per request (shared/reference/machine.md).
 *
 * `fallocate` has no node:fs equivalent. It is emulated the way glibc's posix_fallocate
 * does on filesystems without fallocate(2): the part of the range beyond end of file is
 * written with zeros (so space is really reserved and ENOSPC surfaces here), the part
 * inside the file is left alone (existing data unchanged). Caveats: it costs real writes,
 * and it is not atomic: a write into the extended range issued while fallocate runs can be
 * overwritten with zeros, so preallocate a region before writing into it (as a commitlog
 * segment does). For an O_DIRECT descriptor whose end of file is not 4096-aligned the
 * zero writes are refused (EINVAL) and the size is extended with ftruncate instead (no
 * reservation then).
 *
 * Ownership: belongs to the thread that created it. Node's fs keeps each buffer
 * referenced until its callback runs.
 */
export class ThreadPoolBackend implements IoBackend {
  readonly kind = 'threadpool' as const;
  readonly #gate = new Gate('thread-pool backend');
  /** Zeros for fallocate, allocated on first use; only ever read by the kernel. */
  #zeros: Buffer | undefined;

  get inFlight(): number {
    return this.#gate.count;
  }

  read(fd: number, buf: Uint8Array, position: number): Promise<number> {
    checkIoArgs(fd, position);
    if (!this.#gate.tryEnter()) return this.#closedError('read');
    return new Promise<number>((resolve, reject) => {
      try {
        fs.read(fd, buf, 0, buf.length, position, (err, bytesRead) => {
          this.#gate.leave();
          if (err) reject(err);
          else resolve(bytesRead);
        });
      } catch (err) {
        this.#gate.leave(); // refused synchronously (invalid arguments)
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
  }

  write(fd: number, buf: Uint8Array, position: number): Promise<number> {
    checkIoArgs(fd, position);
    if (!this.#gate.tryEnter()) return this.#closedError('write');
    return this.#write(fd, buf, position).finally(() => this.#gate.leave());
  }

  fdatasync(fd: number): Promise<void> {
    checkIoArgs(fd, 0);
    if (!this.#gate.tryEnter()) return this.#closedError('fdatasync');
    return new Promise<void>((resolve, reject) => {
      fs.fdatasync(fd, (err) => {
        this.#gate.leave();
        if (err) reject(err);
        else resolve();
      });
    });
  }

  fsync(fd: number): Promise<void> {
    checkIoArgs(fd, 0);
    if (!this.#gate.tryEnter()) return this.#closedError('fsync');
    return new Promise<void>((resolve, reject) => {
      fs.fsync(fd, (err) => {
        this.#gate.leave();
        if (err) reject(err);
        else resolve();
      });
    });
  }

  fallocate(fd: number, offset: number, length: number): Promise<void> {
    checkIoArgs(fd, offset, 'offset');
    checkIoArgs(fd, length, 'length');
    if (!this.#gate.tryEnter()) return this.#closedError('fallocate');
    return this.#fallocate(fd, offset, length).finally(() => this.#gate.leave());
  }

  close(): Promise<void> {
    return this.#gate.close();
  }

  #write(fd: number, buf: Uint8Array, position: number): Promise<number> {
    // A synchronous throw (invalid arguments) rejects the promise; write() leaves the gate in finally.
    return new Promise<number>((resolve, reject) => {
      fs.write(fd, buf, 0, buf.length, position, (err, written) => {
        if (err) reject(err);
        else resolve(written);
      });
    });
  }

  async #fallocate(fd: number, offset: number, length: number): Promise<void> {
    const end = offset + length;
    const size = await this.#size(fd);
    let pos = Math.max(size, offset);
    if (pos >= end) return;
    const zeros = (this.#zeros ??= allocateAligned(ZERO_CHUNK_BYTES));
    try {
      while (pos < end) {
        const n = Math.min(end - pos, zeros.length);
        const written = await this.#write(fd, zeros.subarray(0, n), pos);
        if (written === 0) throw Object.assign(new Error('ENOSPC: no space left on device, fallocate'), { code: 'ENOSPC', syscall: 'fallocate' });
        pos += written;
      }
    } catch (err) {
      if ((err as { code?: unknown }).code !== 'EINVAL') throw err;
      // O_DIRECT descriptor and an unaligned end of file: extend without reserving (and
      // never shrink a file that grew meanwhile).
      const now = await this.#size(fd);
      if (now < end) {
        await new Promise<void>((resolve, reject) => {
          fs.ftruncate(fd, end, (e) => (e ? reject(e) : resolve()));
        });
      }
    }
  }

  #size(fd: number): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      fs.fstat(fd, (err, stats) => (err ? reject(err) : resolve(stats.size)));
    });
  }

  #closedError(op: string): Promise<never> {
    return Promise.reject(new CharybdisError(IoErrorCodes.CLOSED, `${op} on a closed thread-pool backend`));
  }
}
