import { nativeBinding } from '../../native/native-addon';

/**
 * Whether `buf` starts at an address that is a multiple of `alignment` (a power of two).
 * Exact with the addon. Without it JS cannot see addresses: a view at an aligned offset
 * of a resizable ArrayBuffer (what `allocateAligned` returns there, page-aligned by V8) is
 * known aligned for alignments up to 4096; anything else is `undefined` (unknown), and
 * the kernel is left to refuse a misaligned O_DIRECT transfer with EINVAL.
 */
export function isBufferAligned(buf: Uint8Array, alignment: number): boolean | undefined {
  const native = nativeBinding();
  if (native !== null) return native.alignmentOffset(buf, alignment) === 0;
  const ab = buf.buffer as ArrayBufferLike & { resizable?: boolean };
  if (ab.resizable === true && alignment <= 4096) return buf.byteOffset % alignment === 0;
  return undefined;
}
