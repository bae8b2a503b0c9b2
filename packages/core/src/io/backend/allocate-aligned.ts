import { CharybdisError } from '../../errors';
import { nativeBinding } from '../../native/native-addon';
import { ErrorCodes } from '../../util/error-codes';
import { DMA_ALIGNMENT } from './io-constants';
import { IoErrorCodes } from './io-error-codes';

/** Largest alignment the pure-TypeScript path can promise: the smallest page size (4 KiB). */
const PAGE_ALIGNMENT = 4096;

/**
 * A zero-filled Buffer of `sizeBytes` whose first byte sits at an address that is a
 * multiple of `alignment` (a power of two), as O_DIRECT requires.
 *
 * With the addon: a window of `Buffer.alloc(sizeBytes + alignment - 1)` starting at the
 * offset the addon computes from the real address (the rest of the allocation is wasted;
 * at most alignment - 1 bytes). Without it: a resizable ArrayBuffer of fixed maximum
 * size, which V8 backs with its own page-aligned reservation (mmap), so its start is
 * page-aligned; that path serves alignments up to 4096 and costs a mapping per buffer,
 * so it is meant for the fallback, not for millions of buffers.
 *
 * Ownership: the caller owns the returned Buffer (and the larger allocation behind it,
 * kept alive by the view). It is ordinary GC-managed memory: while an I/O on it is in
 * flight the backend keeps it reachable; afterwards dropping it frees it.
 */
export function allocateAligned(sizeBytes: number, alignment: number = DMA_ALIGNMENT): Buffer {
  if (!(Number.isSafeInteger(sizeBytes) && sizeBytes >= 0)) {
    throw new CharybdisError(ErrorCodes.INVALID_ARGUMENT, `allocateAligned: sizeBytes must be a non-negative integer, got ${sizeBytes}`);
  }
  if (!(Number.isInteger(alignment) && alignment >= 1 && (alignment & (alignment - 1)) === 0 && alignment <= 2 ** 30)) {
    throw new CharybdisError(ErrorCodes.INVALID_ARGUMENT, `allocateAligned: alignment must be a power of two <= 2^30, got ${alignment}`);
  }
  const native = nativeBinding();
  if (native !== null) {
    const raw = Buffer.alloc(sizeBytes + alignment - 1);
    const offset = native.alignmentOffset(raw, alignment);
    return raw.subarray(offset, offset + sizeBytes);
  }
  if (alignment > PAGE_ALIGNMENT) {
    throw new CharybdisError(
      IoErrorCodes.ALIGNMENT_UNAVAILABLE,
      `allocateAligned: alignment ${alignment} > ${PAGE_ALIGNMENT} needs the native addon, which is not loaded`,
    );
  }
  // A zero-length reservation may not be mapped at all; one page keeps the address aligned.
  const reserved = Math.max(sizeBytes, PAGE_ALIGNMENT);
  const ab = new (ArrayBuffer as unknown as ResizableArrayBufferConstructor)(reserved, { maxByteLength: reserved });
  return Buffer.from(ab, 0, sizeBytes);
}

/** `new ArrayBuffer(n, { maxByteLength })`: ES2024 resizable buffers (Node 20 has them; lib ES2023 does not type them). */
type ResizableArrayBufferConstructor = new (byteLength: number, options: { maxByteLength: number }) => ArrayBuffer;
