import { invalidOption } from './catalog-error-codes';
import { parseBooleanOption, parseDouble, parseInt32, sortedRecord } from './option-values';

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
const SIZE_TIERED_OPTIONS = ['min_sstable_size', 'bucket_low', 'bucket_high'];

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
  if (min <= 0 || max <= 0) {
    throw invalidOption(
      "Disabling compaction by setting compaction thresholds to 0 has been removed, set the compaction option 'enabled' to false instead.",
    );
  }
  if (min <= 1) throw invalidOption(`Min compaction threshold cannot be less than 2 (got ${min})`);
  if (min > max) throw invalidOption(`Min compaction threshold (got ${min}) cannot be greater than max compaction threshold (got ${max})`);
}

function checkStrategyOptions(shortName: string, options: ReadonlyMap<string, string>): void {
  for (const key of ['tombstone_threshold', 'bucket_low', 'bucket_high']) {
    const v = options.get(key);
    if (v !== undefined && parseDouble(`compaction sub-option '${key}'`, v) < 0) throw invalidOption(`${key} must be greater than 0, but was ${v}`);
  }
  for (const key of ['enabled', 'unchecked_tombstone_compaction', 'log_all', 'only_purge_repaired_tombstones', 'single_sstable_uplevel']) {
    const v = options.get(key);
    if (v !== undefined) parseBooleanOption(`compaction sub-option '${key}'`, v);
  }
  const positive = shortName === 'LeveledCompactionStrategy' ? ['sstable_size_in_mb', 'fanout_size'] : ['compaction_window_size'];
  for (const key of positive) {
    const n = subOptionInt(options, key);
    if (n !== undefined && n <= 0) throw invalidOption(`${key} must be larger than 0, but was ${n}`);
  }
  const unit = options.get('compaction_window_unit');
  if (unit !== undefined && !['MINUTES', 'HOURS', 'DAYS'].includes(unit.toUpperCase())) {
    throw invalidOption(`${unit} is not valid for compaction_window_unit`);
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
