import { invalidOption } from './catalog-error-codes';
import { parseDouble, parseInt32, sortedRecord } from './option-values';

const COMPACTION_PACKAGE = 'org.apache.cassandra.db.compaction.';

/** Sub-options every strategy accepts (AbstractCompactionStrategy and CompactionParams). */
const COMMON_OPTIONS = [
  'class',
  'enabled',
  'min_threshold',
  'max_threshold',
  'tombstone_threshold',
  'tombstone_compaction_interval',
  'unchecked_tombstone_compaction',
  'log_all',
  'only_purge_repaired_tombstones',
  'provide_overlapping_tombstones',
];
const SIZE_TIERED_OPTIONS = ['min_sstable_size', 'bucket_low', 'bucket_high', 'cold_reads_to_omit'];

/** The strategies Cassandra 4.0 ships, with the sub-options each understands. */
const STRATEGIES: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['SizeTieredCompactionStrategy', new Set([...COMMON_OPTIONS, ...SIZE_TIERED_OPTIONS])],
  ['LeveledCompactionStrategy', new Set([...COMMON_OPTIONS, 'sstable_size_in_mb', 'fanout_size', 'single_sstable_uplevel'])],
  [
    'TimeWindowCompactionStrategy',
    new Set([
      ...COMMON_OPTIONS,
      ...SIZE_TIERED_OPTIONS,
      'compaction_window_unit',
      'compaction_window_size',
      'timestamp_resolution',
      'expired_sstable_check_frequency_seconds',
      'unsafe_aggressive_sstable_expiration',
      'enable_optimized_twcs_queries',
    ]),
  ],
]);

/** The default `compaction` map (size-tiered, thresholds 4 and 32). */
export const DEFAULT_COMPACTION: Readonly<Record<string, string>> = sortedRecord([
  ['class', `${COMPACTION_PACKAGE}SizeTieredCompactionStrategy`],
  ['max_threshold', '32'],
  ['min_threshold', '4'],
]);

/** The short name of a compaction class (`LeveledCompactionStrategy` for the full Java name). */
export function compactionShortName(className: string): string {
  return className.startsWith(COMPACTION_PACKAGE) ? className.slice(COMPACTION_PACKAGE.length) : className;
}

function subOptionInt(options: ReadonlyMap<string, string>, key: string): number | undefined {
  const v = options.get(key);
  if (v === undefined) return undefined;
  try {
    return parseInt32(`'${key}'`, v);
  } catch {
    throw invalidOption(`Invalid value ${v} for '${key}' compaction sub-option - must be an integer`);
  }
}

function checkThresholds(options: ReadonlyMap<string, string>): void {
  const min = subOptionInt(options, 'min_threshold') ?? 4;
  const max = subOptionInt(options, 'max_threshold') ?? 32;
  for (const [key, n] of [['min_threshold', min], ['max_threshold', max]] as const) {
    if (n < 2) throw invalidOption(`${key} value (${n}) must be bigger or equal to 2`);
  }
  if (min > max) throw invalidOption(`Min compaction threshold (got ${min}) cannot be greater than max compaction threshold (got ${max})`);
}

/** A sub-option's number as ScyllaDB prints it in errors (`0.0` → `0`). */
function subOptionDouble(options: ReadonlyMap<string, string>, key: string): number | undefined {
  const v = options.get(key);
  return v === undefined ? undefined : parseDouble(`compaction sub-option '${key}'`, v);
}

const BOOLEAN_SUB_OPTIONS = ['enabled', 'unchecked_tombstone_compaction', 'log_all', 'only_purge_repaired_tombstones', 'single_sstable_uplevel', 'enable_optimized_twcs_queries'];

/** Timestamp resolutions TimeWindowCompactionStrategy accepts (ScyllaDB's). */
const TIMESTAMP_RESOLUTIONS = ['MICROSECONDS', 'MILLISECONDS'];

/** Checks the value of every sub-option given, worded as ScyllaDB's compaction_strategy_impl. */
function checkStrategyOptions(shortName: string, options: ReadonlyMap<string, string>): void {
  const between01 = (key: string, lowOpen: boolean, highOpen: boolean): void => {
    const n = subOptionDouble(options, key);
    if (n !== undefined && ((lowOpen ? n <= 0 : n < 0) || (highOpen ? n >= 1 : n > 1))) throw invalidOption(`${key} value (${n}) must be between 0.0 and 1.0`);
  };
  between01('tombstone_threshold', false, false);
  between01('bucket_low', true, true);
  between01('cold_reads_to_omit', false, false);
  const bucketHigh = subOptionDouble(options, 'bucket_high');
  if (bucketHigh !== undefined && bucketHigh <= 1) throw invalidOption(`bucket_high value (${bucketHigh}) must be greater than 1.0`);
  const interval = subOptionDouble(options, 'tombstone_compaction_interval');
  if (interval !== undefined && interval < 0) throw invalidOption(`tombstone_compaction_interval value (${interval * 1000}ms) must be positive`);
  const minSize = subOptionDouble(options, 'min_sstable_size');
  if (minSize !== undefined && minSize < 0) throw invalidOption(`min_sstable_size value (${minSize}) must be non negative`);
  for (const key of BOOLEAN_SUB_OPTIONS) {
    const v = options.get(key);
    if (v !== undefined && !['true', 'false'].includes(v.toLowerCase())) throw invalidOption(`${key} value (${v}) must be "true" or "false"`);
  }
  if (shortName === 'LeveledCompactionStrategy') {
    for (const key of ['sstable_size_in_mb', 'fanout_size']) {
      const n = subOptionInt(options, key);
      if (n !== undefined && n <= 0) throw invalidOption(`${key} must be larger than 0, but was ${n}`);
    }
  }
  const windowSize = subOptionInt(options, 'compaction_window_size');
  if (windowSize !== undefined && windowSize < 1) throw invalidOption(`compaction_window_size value (${windowSize}) must be greater than 1`);
  const unit = options.get('compaction_window_unit');
  if (unit !== undefined && !['MINUTES', 'HOURS', 'DAYS'].includes(unit.toUpperCase())) {
    throw invalidOption(`${unit} is not valid for compaction_window_unit`);
  }
  const resolution = options.get('timestamp_resolution');
  if (resolution !== undefined && !TIMESTAMP_RESOLUTIONS.includes(resolution.toUpperCase())) {
    throw invalidOption(`Invalid timestamp resolution ${resolution} for timestamp_resolution`);
  }
}

/**
 * Validates a `compaction` map and returns what system_schema.tables stores: the given
 * sub-options, `class` as the full Java class name, and the thresholds' defaults when
 * absent (as Cassandra's CompactionParams.create adds them).
 */
export function parseCompaction(options: ReadonlyMap<string, string>): Readonly<Record<string, string>> {
  const className = options.get('class');
  if (className === undefined) throw invalidOption("Missing sub-option 'class' for the 'compaction' option.");
  const shortName = compactionShortName(className);
  const known = STRATEGIES.get(shortName);
  if (known === undefined) throw invalidOption(`Unable to find compaction strategy class '${className}'`);
  const unknown = [...options.keys()].filter((k) => !known.has(k));
  if (unknown.length > 0) throw invalidOption(`Properties specified [${unknown.join(', ')}] are not understood by ${shortName}`);
  checkThresholds(options);
  checkStrategyOptions(shortName, options);
  const out = new Map(options);
  out.set('class', COMPACTION_PACKAGE + shortName);
  if (!out.has('min_threshold')) out.set('min_threshold', '4');
  if (!out.has('max_threshold')) out.set('max_threshold', '32');
  return sortedRecord(out);
}
