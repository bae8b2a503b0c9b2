import { CharybdisError } from '../../errors';
import { IoErrorCodes } from '../backend/io-error-codes';
import type { IoErrorCode } from '../backend/io-error-codes';

/** What failed, for the error message. */
export interface IoErrorContext {
  /** Operation: read, write, fdatasync, fsync, fallocate, open, close, fstat. */
  op: string;
  path: string;
  /** The descriptor has O_DIRECT (an EINVAL on a transfer then means misalignment). */
  direct: boolean;
  /** Position and length of a transfer or range, when there is one. */
  position?: number;
  length?: number;
}

const IO_CODES = new Set<string>(Object.values(IoErrorCodes));

/**
 * Converts what the backend (or a fault hook) threw into a CharybdisError whose code is
 * one of {@link IoErrorCodes} and whose message names the operation and the file, e.g.
 * `write of /data/commitlog/seg-1.log at 4096 (8192 bytes) failed: ENOSPC: no space left
 * on device`. The original error is the `cause`. A CharybdisError that already carries an
 * I/O code (IO_MISALIGNED, IO_CLOSED, ...) or any non-I/O code (OVERLOADED from a
 * scheduler, say) passes through unchanged.
 */
export function toIoError(err: unknown, ctx: IoErrorContext): CharybdisError {
  const errno = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  // Already converted, or raised on purpose by a layer in between (a scheduler's
  // OVERLOADED): keep it. The instanceof tells a local CharybdisError from a raw errno
  // error of the same thread; it is not used to tell error kinds apart.
  if (err instanceof CharybdisError) return err;
  const name = typeof errno === 'string' ? errno : 'EUNKNOWN';
  const code = IO_CODES.has(name) ? (name as IoErrorCode) : ioCodeOf(name, ctx);
  const where =
    ctx.position === undefined
      ? ''
      : ctx.op === 'fallocate'
        ? ` of [${ctx.position}, +${ctx.length ?? 0})`
        : ` at ${ctx.position}${ctx.length === undefined ? '' : ` (${ctx.length} bytes)`}`;
  const detail = err instanceof Error ? err.message : String(err);
  const hint = code === IoErrorCodes.MISALIGNED ? ' (O_DIRECT transfers need 4096-aligned position, length and buffer)' : '';
  return new CharybdisError(code, `${ctx.op} of ${ctx.path}${where} failed: ${detail}${hint}`, { cause: err });
}

function ioCodeOf(errnoName: string, ctx: IoErrorContext): IoErrorCode {
  switch (errnoName) {
    case 'ENOSPC':
    case 'EDQUOT':
      return IoErrorCodes.ENOSPC;
    case 'EIO':
      return IoErrorCodes.EIO;
    case 'ENOENT':
    case 'ENOTDIR':
      return IoErrorCodes.NOT_FOUND;
    case 'EINVAL':
      return ctx.direct && (ctx.op === 'read' || ctx.op === 'write') ? IoErrorCodes.MISALIGNED : IoErrorCodes.ERROR;
    default:
      return IoErrorCodes.ERROR;
  }
}
