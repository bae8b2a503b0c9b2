import { invalidOption } from './catalog-error-codes';
import { parseBooleanOption, parseDouble, parseInt32, sortedRecord } from './option-values';

const COMPRESSION_PACKAGE = 'org.apache.cassandra.io.compress.';

/** The compressors Cassandra 4.0 ships, with their own sub-options. */
const COMPRESSORS: ReadonlyMap<string, readonly string[]> = new Map([
  ['LZ4Compressor', ['lz4_compressor_type', 'lz4_high_compressor_level']],
  ['SnappyCompressor', []],
  ['DeflateCompressor', []],
  ['ZstdCompressor', ['compression_level']],
  ['NoopCompressor', []],
]);

const GENERIC_OPTIONS = new Set(['class', 'chunk_length_in_kb', 'enabled', 'min_compress_ratio']);

/** The default `compression` map (LZ4, 16 KiB chunks). */
export const DEFAULT_COMPRESSION: Readonly<Record<string, string>> = sortedRecord([
  ['chunk_length_in_kb', '16'],
  ['class', `${COMPRESSION_PACKAGE}LZ4Compressor`],
]);

function checkChunkLength(text: string): string {
  const kb = parseInt32("'chunk_length_in_kb'", text);
  if (kb <= 0) throw invalidOption('Invalid negative or null chunk_length_in_kb');
  if ((kb & (kb - 1)) !== 0) throw invalidOption('chunk_length_in_kb must be a power of 2');
  return String(kb);
}

/**
 * Validates a `compression` map and returns what system_schema.tables stores:
 * `{enabled: 'false'}` for disabled compression (`{}`, or `enabled: false` alone), else `class` as the full Java class name,
 * `chunk_length_in_kb` (default 16) and the other given sub-options.
 */
export function parseCompression(options: ReadonlyMap<string, string>): Readonly<Record<string, string>> {
  // An empty map turns compression off, as in Cassandra (CompressionParams.fromMap).
  if (options.size === 0) return sortedRecord([['enabled', 'false']]);
  const enabled = options.get('enabled');
  if (enabled !== undefined && !parseBooleanOption("compression sub-option 'enabled'", enabled)) {
    if (options.size > 1) throw invalidOption("If the 'enabled' option is set to false no other options must be specified");
    return sortedRecord([['enabled', 'false']]);
  }
  const className = options.get('class');
  if (className === undefined) throw invalidOption("Missing sub-option 'class' for the 'compression' option.");
  const shortName = className.startsWith(COMPRESSION_PACKAGE) ? className.slice(COMPRESSION_PACKAGE.length) : className;
  const own = COMPRESSORS.get(shortName);
  if (own === undefined) throw invalidOption(`Could not create Compression for type ${className}`);
  const unknown = [...options.keys()].filter((k) => !GENERIC_OPTIONS.has(k) && !own.includes(k));
  if (unknown.length > 0) throw invalidOption(`Unknown compression options (${unknown.join(', ')})`);
  const out = new Map(options);
  out.delete('enabled');
  out.set('class', COMPRESSION_PACKAGE + shortName);
  out.set('chunk_length_in_kb', checkChunkLength(options.get('chunk_length_in_kb') ?? '16'));
  const ratio = options.get('min_compress_ratio');
  if (ratio !== undefined && parseDouble("compression sub-option 'min_compress_ratio'", ratio) < 0) {
    throw invalidOption(`Invalid negative min_compress_ratio: ${ratio}`);
  }
  const level = options.get('compression_level');
  if (level !== undefined) parseInt32("'compression_level'", level);
  return sortedRecord(out);
}
