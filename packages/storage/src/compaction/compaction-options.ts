import { CharybdisError } from '@charybdis/core';
import { CompactionErrorCodes } from './compaction-error-codes';

const MIB = 1024 * 1024;

/** Cassandra's package prefix, accepted in front of a strategy class name. */
const CASSANDRA_PREFIX = 'org.apache.cassandra.db.compaction.';

/** Most SSTables one task may merge (`max_threshold` bound): each is an open scan with a buffered partition. */
export const MAX_COMPACTION_THRESHOLD = 1024;
/** Largest `sstable_size_in_mb` accepted (1 TiB): beyond it leveled compaction is size-tiered in disguise. */
export const MAX_LEVELED_SSTABLE_SIZE_MB = 1024 * 1024;
/** Largest `fanout_size` accepted. */
export const MAX_LEVELED_FANOUT = 1000;

/** Options every strategy takes: on/off and single-SSTable tombstone compaction (Cassandra's AbstractCompactionStrategy options). */
export interface CommonCompactionOptions {
  /** `enabled`: false stops automatic compaction (a user-requested one still runs). Default true. */
  readonly enabled: boolean;
  /** `tombstone_threshold`: droppable-tombstone ratio above which one SSTable is compacted alone. Default 0.2. */
  readonly tombstoneThreshold: number;
  /** `tombstone_compaction_interval`: an SSTable younger than this (seconds) is never compacted alone. Default 86400. */
  readonly tombstoneCompactionIntervalSeconds: number;
  /** `unchecked_tombstone_compaction`: skip the overlap check before a tombstone compaction. Default false. */
  readonly uncheckedTombstoneCompaction: boolean;
}

/** Size-tiered bucketing parameters (STCS itself, and leveled compaction's L0 fallback). */
export interface SizeTieredParams {
  /** `min_threshold`: fewest SSTables a bucket needs to be compacted. Default 4, at least 2. */
  readonly minThreshold: number;
  /** `max_threshold`: most SSTables one task merges. Default 32, at least min_threshold. */
  readonly maxThreshold: number;
  /** `bucket_low`: an SSTable joins a bucket when its size is above average × bucket_low. Default 0.5. */
  readonly bucketLow: number;
  /** `bucket_high`: … and below average × bucket_high. Default 1.5. */
  readonly bucketHigh: number;
  /** `min_sstable_size` (bytes): SSTables below it all share one bucket. Default 50 MiB. */
  readonly minSSTableSizeBytes: number;
}

/** `{'class': 'SizeTieredCompactionStrategy', ...}`, parsed. */
export interface SizeTieredCompactionOptions extends CommonCompactionOptions, SizeTieredParams {
  readonly kind: 'SizeTieredCompactionStrategy';
}

/** `{'class': 'LeveledCompactionStrategy', ...}`, parsed; the size-tiered params drive the L0 fallback. */
export interface LeveledCompactionOptions extends CommonCompactionOptions, SizeTieredParams {
  readonly kind: 'LeveledCompactionStrategy';
  /** `sstable_size_in_mb` in bytes: target size of one leveled SSTable. Default 160 MiB. */
  readonly sstableSizeBytes: number;
  /** `fanout_size`: level n holds up to fanout^n × sstable size. Default 10. */
  readonly fanoutSize: number;
}

/** A table's compaction options, discriminated by `kind`. */
export type CompactionOptions = SizeTieredCompactionOptions | LeveledCompactionOptions;

/** The `compaction` option map as CQL carries it: option name → string value. */
export type CompactionOptionMap = Readonly<Record<string, string>> | ReadonlyMap<string, string>;

const COMMON_DEFAULTS: CommonCompactionOptions = {
  enabled: true,
  tombstoneThreshold: 0.2,
  tombstoneCompactionIntervalSeconds: 86_400,
  uncheckedTombstoneCompaction: false,
};

const SIZE_TIERED_DEFAULTS: SizeTieredParams = {
  minThreshold: 4,
  maxThreshold: 32,
  bucketLow: 0.5,
  bucketHigh: 1.5,
  minSSTableSizeBytes: 50 * MIB,
};

/** The options of a table created without a `compaction` option: size-tiered with Cassandra's defaults. */
export const DEFAULT_COMPACTION_OPTIONS: SizeTieredCompactionOptions = Object.freeze({
  kind: 'SizeTieredCompactionStrategy',
  ...COMMON_DEFAULTS,
  ...SIZE_TIERED_DEFAULTS,
});

/** Leveled compaction's defaults (Cassandra's): 160 MiB SSTables, fanout 10. */
export const DEFAULT_LEVELED_OPTIONS: LeveledCompactionOptions = Object.freeze({
  kind: 'LeveledCompactionStrategy',
  ...COMMON_DEFAULTS,
  ...SIZE_TIERED_DEFAULTS,
  sstableSizeBytes: 160 * MIB,
  fanoutSize: 10,
});

const COMMON_KEYS = ['enabled', 'tombstone_threshold', 'tombstone_compaction_interval', 'unchecked_tombstone_compaction'];
const SIZE_TIERED_KEYS = ['min_threshold', 'max_threshold', 'bucket_low', 'bucket_high', 'min_sstable_size'];
const LEVELED_KEYS = ['sstable_size_in_mb', 'fanout_size'];

function invalid(message: string): CharybdisError {
  return new CharybdisError(CompactionErrorCodes.INVALID_OPTIONS, `compaction options: ${message}`);
}

/** Reads options by name, checking each value's syntax and range; the message always names the option. */
class OptionReader {
  constructor(private readonly values: ReadonlyMap<string, string>) {}

  integer(key: string, fallback: number, min: number, max: number): number {
    const raw = this.values.get(key);
    if (raw === undefined) return fallback;
    if (!/^[+-]?\d+$/.test(raw.trim())) throw invalid(`'${key}' must be an integer, got '${raw}'`);
    const value = Number(raw.trim());
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      throw invalid(`'${key}' must be between ${min} and ${max}, got '${raw}'`);
    }
    return value;
  }

  decimal(key: string, fallback: number, check: (v: number) => boolean, range: string): number {
    const raw = this.values.get(key);
    if (raw === undefined) return fallback;
    if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(raw.trim())) throw invalid(`'${key}' must be a number, got '${raw}'`);
    const value = Number(raw.trim());
    if (!Number.isFinite(value) || !check(value)) throw invalid(`'${key}' must be ${range}, got '${raw}'`);
    return value;
  }

  boolean(key: string, fallback: boolean): boolean {
    const raw = this.values.get(key);
    if (raw === undefined) return fallback;
    const v = raw.trim().toLowerCase();
    if (v === 'true') return true;
    if (v === 'false') return false;
    throw invalid(`'${key}' must be 'true' or 'false', got '${raw}'`);
  }
}

function toMap(options: CompactionOptionMap): Map<string, string> {
  const entries = options instanceof Map ? [...(options as ReadonlyMap<string, string>)] : Object.entries(options);
  const out = new Map<string, string>();
  for (const [k, v] of entries) {
    if (typeof v !== 'string') throw invalid(`'${k}' must be given as a string, got ${typeof v}`);
    out.set(k, v);
  }
  return out;
}

function strategyKind(className: string | undefined): CompactionOptions['kind'] {
  if (className === undefined) throw invalid("missing sub-option 'class'");
  const short = className.startsWith(CASSANDRA_PREFIX) ? className.slice(CASSANDRA_PREFIX.length) : className;
  if (short === 'SizeTieredCompactionStrategy' || short === 'LeveledCompactionStrategy') return short;
  throw invalid(`unknown 'class' '${className}' (supported: SizeTieredCompactionStrategy, LeveledCompactionStrategy)`);
}

function readCommon(r: OptionReader): CommonCompactionOptions {
  return {
    enabled: r.boolean('enabled', COMMON_DEFAULTS.enabled),
    tombstoneThreshold: r.decimal('tombstone_threshold', COMMON_DEFAULTS.tombstoneThreshold, (v) => v >= 0, 'a non-negative number'),
    tombstoneCompactionIntervalSeconds: r.integer(
      'tombstone_compaction_interval',
      COMMON_DEFAULTS.tombstoneCompactionIntervalSeconds,
      0,
      Number.MAX_SAFE_INTEGER,
    ),
    uncheckedTombstoneCompaction: r.boolean('unchecked_tombstone_compaction', COMMON_DEFAULTS.uncheckedTombstoneCompaction),
  };
}

function readSizeTiered(r: OptionReader): SizeTieredParams {
  const minThreshold = r.integer('min_threshold', SIZE_TIERED_DEFAULTS.minThreshold, 2, MAX_COMPACTION_THRESHOLD);
  const maxThreshold = r.integer('max_threshold', SIZE_TIERED_DEFAULTS.maxThreshold, 2, MAX_COMPACTION_THRESHOLD);
  if (maxThreshold < minThreshold) {
    throw invalid(`'max_threshold' (${maxThreshold}) must be at least 'min_threshold' (${minThreshold})`);
  }
  // Stricter than Cassandra (which only wants bucket_high > bucket_low): outside these
  // ranges an SSTable cannot join a bucket of its own size and nothing is ever compacted.
  const bucketLow = r.decimal('bucket_low', SIZE_TIERED_DEFAULTS.bucketLow, (v) => v >= 0 && v < 1, 'in [0, 1)');
  const bucketHigh = r.decimal('bucket_high', SIZE_TIERED_DEFAULTS.bucketHigh, (v) => v > 1, 'greater than 1');
  const minSSTableSizeBytes = r.integer('min_sstable_size', SIZE_TIERED_DEFAULTS.minSSTableSizeBytes, 0, Number.MAX_SAFE_INTEGER);
  return { minThreshold, maxThreshold, bucketLow, bucketHigh, minSSTableSizeBytes };
}

/**
 * Parses a table's `compaction = {'class': ..., ...}` option map (values are strings, as
 * CQL carries them) into a {@link CompactionOptions}. The class may be given short
 * (`SizeTieredCompactionStrategy`, `LeveledCompactionStrategy`) or with Cassandra's
 * `org.apache.cassandra.db.compaction.` prefix; an empty map means the default
 * (size-tiered). Options and defaults are Cassandra's; leveled compaction also takes the
 * size-tiered options for its L0 fallback, as Cassandra does. An unknown class or option,
 * a value that is not a number (or boolean) or out of range throws
 * COMPACTION_INVALID_OPTIONS naming the option.
 */
export function parseCompactionOptions(options: CompactionOptionMap): CompactionOptions {
  const values = toMap(options);
  if (values.size === 0) return DEFAULT_COMPACTION_OPTIONS;
  const kind = strategyKind(values.get('class'));
  const allowed = new Set(['class', ...COMMON_KEYS, ...SIZE_TIERED_KEYS, ...(kind === 'LeveledCompactionStrategy' ? LEVELED_KEYS : [])]);
  for (const key of values.keys()) {
    if (!allowed.has(key)) throw invalid(`unknown option '${key}' for ${kind}`);
  }
  const r = new OptionReader(values);
  const common = readCommon(r);
  const sizeTiered = readSizeTiered(r);
  if (kind === 'SizeTieredCompactionStrategy') return { kind, ...common, ...sizeTiered };
  const sstableSizeMb = r.integer('sstable_size_in_mb', DEFAULT_LEVELED_OPTIONS.sstableSizeBytes / MIB, 1, MAX_LEVELED_SSTABLE_SIZE_MB);
  const fanoutSize = r.integer('fanout_size', DEFAULT_LEVELED_OPTIONS.fanoutSize, 2, MAX_LEVELED_FANOUT);
  return { kind, ...common, ...sizeTiered, sstableSizeBytes: sstableSizeMb * MIB, fanoutSize };
}
