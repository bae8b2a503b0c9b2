import { CharybdisError } from '@charybdis/core';
import { MAX_TTL_SECONDS } from '../mutation/cell';
import { CatalogErrorCodes, invalidOption } from './catalog-error-codes';
import { MAX_COMMENT_LENGTH } from './catalog-limits';
import { DEFAULT_COMPACTION, compactionShortName, parseCompaction } from './compaction-options';
import { DEFAULT_COMPRESSION, parseCompression } from './compression-options';
import { optionMap, optionString, parseBooleanOption, parseDouble, parseInt32, sortedRecord } from './option-values';
import type { RawOptionValue, RawOptions } from './option-values';
import { parseSpeculativeRetry } from './speculative-retry';

/**
 * A table's options, named and valued as Cassandra 4.0's `TableParams` and stored as such
 * in system_schema.tables (maps hold strings; `extensions` holds bytes). Plain, frozen
 * data.
 */
export interface TableOptions {
  readonly additional_write_policy: string;
  readonly bloom_filter_fp_chance: number;
  /** `{keys: 'ALL'|'NONE', rows_per_partition: 'ALL'|'NONE'|'<n>'}`. */
  readonly caching: Readonly<Record<string, string>>;
  readonly cdc: boolean;
  readonly comment: string;
  /** `class` is the full Java class name. */
  readonly compaction: Readonly<Record<string, string>>;
  /** `class` is the full Java class name, or `{enabled: 'false'}`. */
  readonly compression: Readonly<Record<string, string>>;
  readonly crc_check_chance: number;
  readonly default_time_to_live: number;
  readonly extensions: Readonly<Record<string, Uint8Array>>;
  readonly gc_grace_seconds: number;
  readonly max_index_interval: number;
  readonly memtable_flush_period_in_ms: number;
  readonly min_index_interval: number;
  /** 'BLOCKING' or 'NONE'. */
  readonly read_repair: string;
  readonly speculative_retry: string;
}

/** The name of a table option. */
export type TableOptionName = keyof TableOptions;

/** Cassandra 4.0's defaults. */
export const DEFAULT_TABLE_OPTIONS: TableOptions = Object.freeze({
  additional_write_policy: '99p',
  bloom_filter_fp_chance: 0.01,
  caching: sortedRecord([
    ['keys', 'ALL'],
    ['rows_per_partition', 'NONE'],
  ]),
  cdc: false,
  comment: '',
  compaction: DEFAULT_COMPACTION,
  compression: DEFAULT_COMPRESSION,
  crc_check_chance: 1.0,
  default_time_to_live: 0,
  extensions: sortedRecord<Uint8Array>([]),
  gc_grace_seconds: 864000,
  max_index_interval: 2048,
  memtable_flush_period_in_ms: 0,
  min_index_interval: 128,
  read_repair: 'BLOCKING',
  speculative_retry: '99p',
});

/** Every option name `WITH` accepts on a table (plus `id`, handled by createTableMetadata). */
export const TABLE_OPTION_NAMES: ReadonlySet<string> = new Set(Object.keys(DEFAULT_TABLE_OPTIONS));

/** Lowest bloom_filter_fp_chance Cassandra's BloomCalculations support (exclusive). */
const MIN_BLOOM_FILTER_FP_CHANCE = 6.71e-5;

function parseCaching(value: RawOptionValue): Readonly<Record<string, string>> {
  const map = optionMap('caching', value);
  const unknown = [...map.keys()].filter((k) => k !== 'keys' && k !== 'rows_per_partition');
  if (unknown.length > 0) throw invalidOption(`Invalid caching sub-options [${unknown.join(', ')}]: only 'keys' and 'rows_per_partition' are allowed`);
  const keys = (map.get('keys') ?? 'ALL').toUpperCase();
  if (keys !== 'ALL' && keys !== 'NONE') {
    throw invalidOption(`Invalid value '${map.get('keys')}' for caching sub-option 'keys': only 'ALL' and 'NONE' are allowed`);
  }
  let rows = (map.get('rows_per_partition') ?? 'NONE').toUpperCase();
  if (rows !== 'ALL' && rows !== 'NONE') {
    if (!/^\d+$/.test(rows) || Number(rows) > 2147483647) {
      throw invalidOption(
        `Invalid value '${map.get('rows_per_partition')}' for caching sub-option 'rows_per_partition': only 'ALL', 'NONE', and integer values are allowed`,
      );
    }
    rows = String(Number(rows));
  }
  return sortedRecord([
    ['keys', keys],
    ['rows_per_partition', rows],
  ]);
}

function parseExtensions(value: RawOptionValue): Readonly<Record<string, Uint8Array>> {
  const map = optionMap('extensions', value);
  const out: [string, Uint8Array][] = [];
  for (const [k, v] of map) {
    const hex = v.startsWith('0x') || v.startsWith('0X') ? v.slice(2) : v;
    if (!/^([0-9a-fA-F]{2})*$/.test(hex)) throw invalidOption(`Invalid value for extension '${k}': expected hex bytes, got '${v}'`);
    out.push([k, new Uint8Array(Buffer.from(hex, 'hex'))]);
  }
  return sortedRecord(out);
}

function parseReadRepair(value: RawOptionValue): string {
  const s = optionString('read_repair', value).toUpperCase();
  if (s !== 'BLOCKING' && s !== 'NONE') throw invalidOption(`Invalid value '${optionString('read_repair', value)}' for 'read_repair': must be 'BLOCKING' or 'NONE'`);
  return s;
}

function intOption(name: string, value: RawOptionValue): number {
  return parseInt32(`'${name}'`, optionString(name, value));
}

function doubleOption(name: string, value: RawOptionValue): number {
  return parseDouble(`'${name}'`, optionString(name, value));
}

/** Parses one option's raw value into its stored form (no cross-option checks). */
function parseOne(name: TableOptionName, value: RawOptionValue): TableOptions[TableOptionName] {
  switch (name) {
    case 'additional_write_policy':
    case 'speculative_retry':
      return parseSpeculativeRetry(name, optionString(name, value));
    case 'bloom_filter_fp_chance':
    case 'crc_check_chance':
      return doubleOption(name, value);
    case 'caching':
      return parseCaching(value);
    case 'cdc':
      return parseBooleanOption(`'${name}'`, optionString(name, value));
    case 'comment': {
      const s = optionString(name, value);
      if (s.length > MAX_COMMENT_LENGTH) throw invalidOption(`comment is longer than ${MAX_COMMENT_LENGTH} characters`);
      return s;
    }
    case 'compaction':
      return parseCompaction(optionMap(name, value));
    case 'compression':
      return parseCompression(optionMap(name, value));
    case 'extensions':
      return parseExtensions(value);
    case 'read_repair':
      return parseReadRepair(value);
    case 'default_time_to_live':
    case 'gc_grace_seconds':
    case 'max_index_interval':
    case 'memtable_flush_period_in_ms':
    case 'min_index_interval':
      return intOption(name, value);
  }
}

/** Throws SCHEMA_INVALID_OPTION unless the options are consistent (Cassandra's TableParams.validate). */
export function validateTableOptions(o: TableOptions): void {
  if (o.bloom_filter_fp_chance <= MIN_BLOOM_FILTER_FP_CHANCE || o.bloom_filter_fp_chance > 1) {
    throw invalidOption(`bloom_filter_fp_chance must be larger than 6.71E-5 and less than or equal to 1.0 (got ${o.bloom_filter_fp_chance})`);
  }
  if (o.crc_check_chance < 0 || o.crc_check_chance > 1) {
    throw invalidOption(`crc_check_chance must be larger than or equal to 0 and smaller than or equal to 1.0 (got ${o.crc_check_chance})`);
  }
  if (o.default_time_to_live < 0) throw invalidOption(`default_time_to_live must be greater than or equal to 0 (got ${o.default_time_to_live})`);
  if (o.default_time_to_live > MAX_TTL_SECONDS) {
    throw invalidOption(`default_time_to_live must be less than or equal to ${MAX_TTL_SECONDS} (got ${o.default_time_to_live})`);
  }
  if (o.gc_grace_seconds < 0) throw invalidOption(`gc_grace_seconds must be greater than or equal to 0 (got ${o.gc_grace_seconds})`);
  if (o.min_index_interval < 1) throw invalidOption(`min_index_interval must be greater than or equal to 1 (got ${o.min_index_interval})`);
  if (o.max_index_interval < o.min_index_interval) {
    throw invalidOption(
      `max_index_interval must be greater than or equal to min_index_interval (${o.min_index_interval}) (got ${o.max_index_interval})`,
    );
  }
  if (o.memtable_flush_period_in_ms < 0) {
    throw invalidOption(`memtable_flush_period_in_ms must be greater than or equal to 0 (got ${o.memtable_flush_period_in_ms})`);
  }
}

/**
 * Applies the `WITH` properties of CREATE TABLE (no `base`) or ALTER TABLE (`base` = the
 * table's current options) and validates the result. A map option replaces the whole map,
 * as in Cassandra. On CREATE, an unset bloom_filter_fp_chance defaults to 0.1 for leveled
 * compaction and 0.01 otherwise (CompactionParams.defaultBloomFilterFbChance).
 *
 * Errors: SCHEMA_UNKNOWN_OPTION for a name that is not a table option ("Unknown property
 * 'foo'"), SCHEMA_INVALID_OPTION for a bad value.
 */
export function parseTableOptions(raw: RawOptions, base?: TableOptions): TableOptions {
  const out: Record<string, unknown> = { ...(base ?? DEFAULT_TABLE_OPTIONS) };
  for (const [name, value] of Object.entries(raw)) {
    if (!TABLE_OPTION_NAMES.has(name)) throw new CharybdisError(CatalogErrorCodes.UNKNOWN_OPTION, `Unknown property '${name}'`);
    out[name] = parseOne(name as TableOptionName, value);
  }
  const options = out as unknown as TableOptions;
  if (base === undefined && raw.bloom_filter_fp_chance === undefined) {
    out.bloom_filter_fp_chance = compactionShortName(options.compaction.class ?? '') === 'LeveledCompactionStrategy' ? 0.1 : 0.01;
  }
  validateTableOptions(options);
  return Object.freeze(options);
}
