import { hasErrorCode } from '@charybdis/core';
import {
  CompactionErrorCodes,
  DEFAULT_COMPACTION_OPTIONS,
  DEFAULT_LEVELED_OPTIONS,
  LeveledStrategy,
  SizeTieredStrategy,
  createCompactionStrategy,
  parseCompactionOptions,
} from '../src/compaction';
import type { CompactionOptionMap } from '../src/compaction';

const MIB = 1024 * 1024;

function expectInvalid(map: CompactionOptionMap, mentions: string): void {
  let caught: unknown;
  try {
    parseCompactionOptions(map);
  } catch (err) {
    caught = err;
  }
  expect(hasErrorCode(caught, CompactionErrorCodes.INVALID_OPTIONS)).toBe(true);
  expect((caught as Error).message).toContain(mentions);
}

describe('parseCompactionOptions', () => {
  it("gives Cassandra's size-tiered defaults for an empty map and for the bare class, short or prefixed", () => {
    const expected = {
      kind: 'SizeTieredCompactionStrategy',
      enabled: true,
      tombstoneThreshold: 0.2,
      tombstoneCompactionIntervalSeconds: 86400,
      uncheckedTombstoneCompaction: false,
      minThreshold: 4,
      maxThreshold: 32,
      bucketLow: 0.5,
      bucketHigh: 1.5,
      minSSTableSizeBytes: 50 * MIB,
    };
    expect(parseCompactionOptions({})).toEqual(expected);
    expect(DEFAULT_COMPACTION_OPTIONS).toEqual(expected);
    expect(parseCompactionOptions({ class: 'SizeTieredCompactionStrategy' })).toEqual(expected);
    expect(parseCompactionOptions({ class: 'org.apache.cassandra.db.compaction.SizeTieredCompactionStrategy' })).toEqual(expected);
  });

  it("gives Cassandra's leveled defaults (160 MiB, fanout 10)", () => {
    const parsed = parseCompactionOptions({ class: 'org.apache.cassandra.db.compaction.LeveledCompactionStrategy' });
    expect(parsed).toEqual(DEFAULT_LEVELED_OPTIONS);
    expect(parsed).toMatchObject({ kind: 'LeveledCompactionStrategy', sstableSizeBytes: 160 * MIB, fanoutSize: 10, minThreshold: 4, maxThreshold: 32 });
    expect(parseCompactionOptions({ class: 'LeveledCompactionStrategy' })).toEqual(DEFAULT_LEVELED_OPTIONS);
  });

  it('reads every option, from a record or a Map', () => {
    expect(
      parseCompactionOptions({
        class: 'SizeTieredCompactionStrategy',
        min_threshold: '2',
        max_threshold: '8',
        bucket_low: '0.25',
        bucket_high: '3',
        min_sstable_size: '1024',
        tombstone_threshold: '0.5',
        tombstone_compaction_interval: '0',
        unchecked_tombstone_compaction: 'true',
        enabled: 'False',
      }),
    ).toEqual({
      kind: 'SizeTieredCompactionStrategy',
      enabled: false,
      tombstoneThreshold: 0.5,
      tombstoneCompactionIntervalSeconds: 0,
      uncheckedTombstoneCompaction: true,
      minThreshold: 2,
      maxThreshold: 8,
      bucketLow: 0.25,
      bucketHigh: 3,
      minSSTableSizeBytes: 1024,
    });
    const leveled = parseCompactionOptions(new Map([['class', 'LeveledCompactionStrategy'], ['sstable_size_in_mb', '64'], ['fanout_size', '4'], ['max_threshold', '16']]));
    expect(leveled).toMatchObject({ kind: 'LeveledCompactionStrategy', sstableSizeBytes: 64 * MIB, fanoutSize: 4, maxThreshold: 16 });
  });

  it('creates the strategy of the parsed class', () => {
    expect(createCompactionStrategy(parseCompactionOptions({}))).toBeInstanceOf(SizeTieredStrategy);
    expect(createCompactionStrategy(parseCompactionOptions({ class: 'LeveledCompactionStrategy' }))).toBeInstanceOf(LeveledStrategy);
  });

  it.each<[string, Record<string, string>, string]>([
    ['missing class', { min_threshold: '4' }, "'class'"],
    ['unknown class', { class: 'TimeWindowCompactionStrategy' }, 'TimeWindowCompactionStrategy'],
    ['unknown class with the prefix', { class: 'org.apache.cassandra.db.compaction.Bogus' }, 'Bogus'],
    ['class in the wrong case', { class: 'sizetieredcompactionstrategy' }, 'sizetieredcompactionstrategy'],
    ['unknown option', { class: 'SizeTieredCompactionStrategy', min_treshold: '4' }, "'min_treshold'"],
    ['leveled option on size-tiered', { class: 'SizeTieredCompactionStrategy', sstable_size_in_mb: '160' }, "'sstable_size_in_mb'"],
    ['non-numeric min_threshold', { class: 'SizeTieredCompactionStrategy', min_threshold: 'four' }, "'min_threshold'"],
    ['fractional min_threshold', { class: 'SizeTieredCompactionStrategy', min_threshold: '4.5' }, "'min_threshold'"],
    ['empty min_threshold', { class: 'SizeTieredCompactionStrategy', min_threshold: '' }, "'min_threshold'"],
    ['min_threshold below 2', { class: 'SizeTieredCompactionStrategy', min_threshold: '1' }, "'min_threshold'"],
    ['max_threshold below min_threshold', { class: 'SizeTieredCompactionStrategy', min_threshold: '8', max_threshold: '6' }, "'max_threshold'"],
    ['min_threshold above the default max_threshold', { class: 'SizeTieredCompactionStrategy', min_threshold: '40' }, "'max_threshold'"],
    ['max_threshold too large', { class: 'SizeTieredCompactionStrategy', max_threshold: '100000' }, "'max_threshold'"],
    ['non-numeric bucket_low', { class: 'SizeTieredCompactionStrategy', bucket_low: 'half' }, "'bucket_low'"],
    ['NaN bucket_high', { class: 'SizeTieredCompactionStrategy', bucket_high: 'NaN' }, "'bucket_high'"],
    ['Infinity bucket_high', { class: 'SizeTieredCompactionStrategy', bucket_high: 'Infinity' }, "'bucket_high'"],
    ['negative bucket_low', { class: 'SizeTieredCompactionStrategy', bucket_low: '-0.5' }, "'bucket_low'"],
    ['bucket_low of 1', { class: 'SizeTieredCompactionStrategy', bucket_low: '1' }, "'bucket_low'"],
    ['bucket_high of 1', { class: 'SizeTieredCompactionStrategy', bucket_high: '1' }, "'bucket_high'"],
    ['negative min_sstable_size', { class: 'SizeTieredCompactionStrategy', min_sstable_size: '-1' }, "'min_sstable_size'"],
    ['min_sstable_size with a unit', { class: 'SizeTieredCompactionStrategy', min_sstable_size: '50MB' }, "'min_sstable_size'"],
    ['sstable_size_in_mb of 0', { class: 'LeveledCompactionStrategy', sstable_size_in_mb: '0' }, "'sstable_size_in_mb'"],
    ['sstable_size_in_mb too large', { class: 'LeveledCompactionStrategy', sstable_size_in_mb: '2000000' }, "'sstable_size_in_mb'"],
    ['fanout_size of 1', { class: 'LeveledCompactionStrategy', fanout_size: '1' }, "'fanout_size'"],
    ['non-numeric fanout_size', { class: 'LeveledCompactionStrategy', fanout_size: 'ten' }, "'fanout_size'"],
    ['negative tombstone_threshold', { class: 'LeveledCompactionStrategy', tombstone_threshold: '-0.1' }, "'tombstone_threshold'"],
    ['negative tombstone_compaction_interval', { class: 'SizeTieredCompactionStrategy', tombstone_compaction_interval: '-1' }, "'tombstone_compaction_interval'"],
    ['non-boolean enabled', { class: 'SizeTieredCompactionStrategy', enabled: 'yes' }, "'enabled'"],
    ['non-boolean unchecked_tombstone_compaction', { class: 'SizeTieredCompactionStrategy', unchecked_tombstone_compaction: '1' }, "'unchecked_tombstone_compaction'"],
  ])('rejects %s with COMPACTION_INVALID_OPTIONS naming it', (_name, map, mentions) => {
    expectInvalid(map, mentions);
  });

  it('rejects a value that is not a string', () => {
    expectInvalid({ class: 'SizeTieredCompactionStrategy', min_threshold: 4 as unknown as string }, "'min_threshold'");
  });
});
