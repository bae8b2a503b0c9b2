// The lz4 package (0.6.5, a native addon) ships no types; only its block API is used here.
declare module 'lz4' {
  /** Compresses input[sIdx, eIdx) into output; the compressed size, 0 when incompressible. */
  export function encodeBlock(input: Uint8Array, output: Uint8Array, sIdx?: number, eIdx?: number): number;
  /** Decompresses input into output; the decompressed size, negative on malformed input. */
  export function decodeBlock(input: Uint8Array, output: Uint8Array, sIdx?: number, eIdx?: number): number;
  /** The largest compressed size of `inputSize` bytes. */
  export function encodeBound(inputSize: number): number;
}
