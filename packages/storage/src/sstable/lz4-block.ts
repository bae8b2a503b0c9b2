import lz4 from 'lz4';

/**
 * lz4 block compression (the `lz4` addon's raw block API). Pure functions over buffers the
 * caller owns; nothing is kept between calls.
 */
export const lz4Block = {
  /** The output size that any input of `inputSize` bytes compresses into. */
  bound(inputSize: number): number {
    return lz4.encodeBound(inputSize);
  },
  /** Compresses `input` into `output` (at least `bound(input.length)` bytes); 0 when incompressible. */
  compress(input: Uint8Array, output: Uint8Array): number {
    return lz4.encodeBlock(input, output);
  },
  /** Decompresses `input` into `output`; the decompressed size, negative when `input` is malformed or `output` too small. */
  decompress(input: Uint8Array, output: Uint8Array): number {
    return lz4.decodeBlock(input, output);
  },
};
