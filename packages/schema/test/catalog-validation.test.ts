import { hasErrorCode } from '@charybdis/core';
import {
  CatalogErrorCodes,
  DEFAULT_TABLE_OPTIONS,
  alterKeyspace,
  alterTable,
  alterUserType,
  createKeyspaceMetadata,
  createTableMetadata,
  createUserType,
  dropUserType,
  parseReplication,
  parseTableOptions,
  tableMutationSchema,
} from '../src/catalog';
import { TableComparators } from '../src/mutation';
import type { ColumnDefinition, KeyspaceDefinition, RawOptions, TableDefinition, TableMetadata } from '../src/catalog';
import { listType, mapType, nativeType, parseCqlType, reversedType, tupleType, udtType } from '../src/types';

const int = nativeType('int');
const text = nativeType('text');
const counter = nativeType('counter');

function table(overrides: Partial<TableDefinition> = {}): TableDefinition {
  return {
    keyspace: 'ks',
    name: 't',
    id: '5a1c395e-b41f-11e5-9f22-ba0be0483c18',
    columns: [
      { name: 'k', type: int },
      { name: 'c', type: text },
      { name: 'v', type: text },
    ],
    partitionKey: ['k'],
    clustering: [{ name: 'c' }],
    ...overrides,
  };
}

function expectError(fn: () => unknown, code: string, message: string | RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeDefined();
  expect(hasErrorCode(caught, code)).toBe(true);
  expect((caught as Error).message).toMatch(message);
}

const address = udtType('ks', 'address', [
  { name: 'street', type: text },
  { name: 'tags', type: listType(text) },
]);

describe('createTableMetadata: validation table (Cassandra 4 rules and messages)', () => {
  const INVALID = CatalogErrorCodes.INVALID_DEFINITION;
  const cases: [string, Partial<TableDefinition>, string, string | RegExp][] = [
    ['empty table name', { name: '' }, INVALID, "Table name must not be empty, more than 192 characters long, or contain non-alphanumeric-underscore characters (got '')"],
    ['193-char table name', { name: 'a'.repeat(193) }, INVALID, /more than 192 characters long/],
    ['table name with a dash', { name: 'my-table' }, INVALID, /\(got 'my-table'\)/],
    ['keyspace name with a space', { keyspace: 'my ks' }, INVALID, /^Keyspace name must not be empty/],
    [
      'duplicate column',
      { columns: [{ name: 'k', type: int }, { name: 'k', type: text }] },
      INVALID,
      "Duplicate column 'k' declaration for table 't'",
    ],
    ['unknown pk column', { partitionKey: ['nope'] }, INVALID, "Unknown column 'nope' referenced in PRIMARY KEY for table 't'"],
    ['pk column twice', { clustering: [{ name: 'k' }] }, INVALID, "Duplicate column 'k' in PRIMARY KEY clause for table 't'"],
    ['no partition key', { partitionKey: [], clustering: [] }, INVALID, /No PRIMARY KEY specifed for table 't'/],
    [
      'non-frozen collection in pk',
      { columns: [{ name: 'k', type: listType(int) }, { name: 'v', type: int }], clustering: [] },
      INVALID,
      "Invalid non-frozen collection type list<int> for PRIMARY KEY column 'k'",
    ],
    [
      'non-frozen UDT in clustering',
      { columns: [{ name: 'k', type: int }, { name: 'c', type: udtType('ks', 'u', [{ name: 'a', type: int }]) }] },
      INVALID,
      "Invalid non-frozen user-defined type u for PRIMARY KEY column 'c'",
    ],
    ['counter in pk', { columns: [{ name: 'k', type: counter }, { name: 'c', type: text }] }, INVALID, "counter type is not supported for PRIMARY KEY column 'k'"],
    [
      'duration in clustering (nested in a tuple)',
      { columns: [{ name: 'k', type: int }, { name: 'c', type: tupleType([int, nativeType('duration')]) }] },
      INVALID,
      "duration type is not supported for PRIMARY KEY column 'c'",
    ],
    [
      'static pk column',
      { columns: [{ name: 'k', type: int, static: true }, { name: 'c', type: text }] },
      INVALID,
      "Static column 'k' cannot be part of the PRIMARY KEY",
    ],
    [
      'static without clustering',
      { columns: [{ name: 'k', type: int }, { name: 's', type: int, static: true }], clustering: [] },
      INVALID,
      'Static columns are only useful (and thus allowed) if the table has at least one clustering column',
    ],
    [
      'counter mixed with regular',
      { columns: [{ name: 'k', type: int }, { name: 'c', type: text }, { name: 'n', type: counter }, { name: 'v', type: int }] },
      INVALID,
      'Cannot mix counter and non counter columns in the same table',
    ],
    [
      'counter table with default TTL',
      { columns: [{ name: 'k', type: int }, { name: 'c', type: text }, { name: 'n', type: counter }], options: { default_time_to_live: 10 } },
      INVALID,
      'Cannot set default_time_to_live on a table with counters',
    ],
    [
      'non-frozen UDT with non-frozen collection field',
      { columns: [{ name: 'k', type: int }, { name: 'c', type: text }, { name: 'a', type: address }] },
      INVALID,
      'Non-frozen UDTs with nested non-frozen collections are not supported',
    ],
    ['bad id', { id: 'not-a-uuid' }, CatalogErrorCodes.INVALID_OPTION, "Invalid table id 'not-a-uuid': expected a UUID"],
    ['unknown option', { options: { foo: 1 } }, CatalogErrorCodes.UNKNOWN_OPTION, "Unknown property 'foo'"],
    ['negative default TTL', { options: { default_time_to_live: -1 } }, CatalogErrorCodes.INVALID_OPTION, 'default_time_to_live must be greater than or equal to 0 (got -1)'],
    ['TTL over 20 years', { options: { default_time_to_live: 630720001 } }, CatalogErrorCodes.INVALID_OPTION, /must be less than or equal to 630720000/],
    ['non-integer gc_grace_seconds', { options: { gc_grace_seconds: '1.5' } }, CatalogErrorCodes.INVALID_OPTION, "Invalid integer value 1.5 for 'gc_grace_seconds'"],
    ['negative gc_grace_seconds', { options: { gc_grace_seconds: -5 } }, CatalogErrorCodes.INVALID_OPTION, 'gc_grace_seconds must be greater than or equal to 0 (got -5)'],
    ['compaction without class', { options: { compaction: { min_threshold: 2 } } }, CatalogErrorCodes.INVALID_OPTION, "Missing sub-option 'class' for the 'compaction' option."],
    ['unknown compaction class', { options: { compaction: { class: 'Foo' } } }, CatalogErrorCodes.INVALID_OPTION, "Unable to find compaction strategy class 'Foo'"],
    [
      'unknown compaction sub-option',
      { options: { compaction: { class: 'LeveledCompactionStrategy', bucket_low: 0.5 } } },
      CatalogErrorCodes.INVALID_OPTION,
      'Properties specified [bucket_low] are not understood by LeveledCompactionStrategy',
    ],
    ['min_threshold 1', { options: { compaction: { class: 'SizeTieredCompactionStrategy', min_threshold: 1 } } }, CatalogErrorCodes.INVALID_OPTION, 'min_threshold value (1) must be bigger or equal to 2'],
    // ScyllaDB's wording for each sub-option's range
    ...(
      [
        [{ class: 'SizeTieredCompactionStrategy', tombstone_threshold: -0.4 }, 'tombstone_threshold value (-0.4) must be between 0.0 and 1.0'],
        [{ class: 'SizeTieredCompactionStrategy', bucket_low: '0.0' }, 'bucket_low value (0) must be between 0.0 and 1.0'],
        [{ class: 'SizeTieredCompactionStrategy', bucket_high: 0.7 }, 'bucket_high value (0.7) must be greater than 1.0'],
        [{ class: 'SizeTieredCompactionStrategy', cold_reads_to_omit: 3.5 }, 'cold_reads_to_omit value (3.5) must be between 0.0 and 1.0'],
        [{ class: 'SizeTieredCompactionStrategy', min_sstable_size: -1 }, 'min_sstable_size value (-1) must be non negative'],
        [{ class: 'LeveledCompactionStrategy', tombstone_compaction_interval: -7 }, 'tombstone_compaction_interval value (-7000ms) must be positive'],
        [{ class: 'LeveledCompactionStrategy', enabled: 'certainly' }, 'enabled value (certainly) must be "true" or "false"'],
        [{ class: 'TimeWindowCompactionStrategy', compaction_window_size: -8 }, 'compaction_window_size value (-8) must be greater than 1'],
        [{ class: 'TimeWindowCompactionStrategy', timestamp_resolution: 'SECONDS' }, 'Invalid timestamp resolution SECONDS for timestamp_resolution'],
        [{ class: 'TimeWindowCompactionStrategy', max_threshold: 1 }, 'max_threshold value (1) must be bigger or equal to 2'],
      ] as const
    ).map(([compaction, message]): [string, Partial<TableDefinition>, string, string] => [message, { options: { compaction } }, CatalogErrorCodes.INVALID_OPTION, message]),
    ['compression chunk not a power of 2', { options: { compression: { class: 'LZ4Compressor', chunk_length_in_kb: 3 } } }, CatalogErrorCodes.INVALID_OPTION, 'chunk_length_in_kb must be a power of 2'],
    ['compression without class', { options: { compression: { chunk_length_in_kb: 4 } } }, CatalogErrorCodes.INVALID_OPTION, "Missing sub-option 'class' for the 'compression' option."],
    ['compression disabled with other options', { options: { compression: { enabled: false, chunk_length_in_kb: 4 } } }, CatalogErrorCodes.INVALID_OPTION, "If the 'enabled' option is set to false no other options must be specified"],
    ['bloom filter 0', { options: { bloom_filter_fp_chance: 0 } }, CatalogErrorCodes.INVALID_OPTION, /bloom_filter_fp_chance must be larger than 6.71E-5/],
    ['crc_check_chance 2', { options: { crc_check_chance: 2 } }, CatalogErrorCodes.INVALID_OPTION, /crc_check_chance must be larger than or equal to 0/],
    ['max < min index interval', { options: { max_index_interval: 64 } }, CatalogErrorCodes.INVALID_OPTION, 'max_index_interval must be greater than or equal to min_index_interval (128) (got 64)'],
    ['bad caching keys', { options: { caching: { keys: 'SOME' } } }, CatalogErrorCodes.INVALID_OPTION, /Invalid value 'SOME' for caching sub-option 'keys'/],
    ['bad speculative retry', { options: { speculative_retry: 'dogp' } }, CatalogErrorCodes.INVALID_OPTION, /Invalid value dogp for option 'speculative_retry'/],
    ['percentile over 100', { options: { speculative_retry: '100.1PERCENTILE' } }, CatalogErrorCodes.INVALID_OPTION, "Invalid value 100.1PERCENTILE for PERCENTILE option 'speculative_retry': must be between (0.0 and 100.0)"],
    ['negative percentile', { options: { speculative_retry: '-0.1p' } }, CatalogErrorCodes.INVALID_OPTION, /Invalid value -0.1P for PERCENTILE option/],
    ['bad read_repair', { options: { read_repair: 'SOMETIMES' } }, CatalogErrorCodes.INVALID_OPTION, /for 'read_repair'/],
    ['map for a scalar option', { options: { comment: { a: 'b' } } }, CatalogErrorCodes.INVALID_OPTION, /expected a string, got a map/],
  ];
  it.each(cases)('%s', (_name, overrides, code, message) => {
    expectError(() => createTableMetadata(table(overrides)), code, message);
  });

  it('builds the model: DESC → reversed type, regular/static sorted by name, positions', () => {
    const t = createTableMetadata(
      table({
        columns: [
          { name: 'k', type: int },
          { name: 'c1', type: text },
          { name: 'c2', type: int },
          { name: 'zz', type: int },
          { name: 'Aa', type: text, static: true },
          { name: 'b', type: mapType(text, int) },
        ],
        clustering: [{ name: 'c1' }, { name: 'c2', order: 'DESC' }],
      }),
    );
    expect(t.id).toBe('5a1c395e-b41f-11e5-9f22-ba0be0483c18');
    expect(t.partitionKey).toEqual([{ name: 'k', type: int, kind: 'partition_key', position: 0, order: 'NONE' }]);
    expect(t.clustering).toEqual([
      { name: 'c1', type: text, kind: 'clustering', position: 0, order: 'ASC' },
      { name: 'c2', type: reversedType(int), kind: 'clustering', position: 1, order: 'DESC' },
    ]);
    expect(t.columns.map((c) => [c.name, c.kind, c.position])).toEqual([
      ['Aa', 'static', -1],
      ['b', 'regular', -1],
      ['zz', 'regular', -1],
    ]);
    expect(t.options).toEqual(DEFAULT_TABLE_OPTIONS);
  });

  it('gives user tables random v4 ids and accepts WITH id', () => {
    const a = createTableMetadata(table({ id: undefined }));
    const b = createTableMetadata(table({ id: undefined }));
    expect(a.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a.id).not.toBe(b.id);
    expect(createTableMetadata(table({ id: undefined, options: { id: '5A1C395E-B41F-11E5-9F22-BA0BE0483C18' } })).id).toBe('5a1c395e-b41f-11e5-9f22-ba0be0483c18');
  });
});

describe('table options: defaults and parsing', () => {
  it('has Cassandra 4.0 defaults', () => {
    expect(DEFAULT_TABLE_OPTIONS).toEqual({
      additional_write_policy: '99p',
      bloom_filter_fp_chance: 0.01,
      caching: { keys: 'ALL', rows_per_partition: 'NONE' },
      cdc: false,
      comment: '',
      compaction: { class: 'org.apache.cassandra.db.compaction.SizeTieredCompactionStrategy', max_threshold: '32', min_threshold: '4' },
      compression: { chunk_length_in_kb: '16', class: 'org.apache.cassandra.io.compress.LZ4Compressor' },
      crc_check_chance: 1,
      default_time_to_live: 0,
      extensions: {},
      gc_grace_seconds: 864000,
      max_index_interval: 2048,
      memtable_flush_period_in_ms: 0,
      min_index_interval: 128,
      read_repair: 'BLOCKING',
      speculative_retry: '99p',
    });
  });

  it('normalizes values to what system_schema.tables stores', () => {
    const o = parseTableOptions({
      comment: 'hello',
      gc_grace_seconds: '3600',
      compaction: { class: 'LeveledCompactionStrategy', sstable_size_in_mb: 80 },
      compression: { class: 'ZstdCompressor', chunk_length_in_kb: 64, compression_level: 3 },
      caching: { keys: 'none', rows_per_partition: '0100' },
      speculative_retry: '95PERCENTILE',
      additional_write_policy: 'min(99p, 10ms)',
      read_repair: 'none',
      cdc: 'TRUE',
      extensions: { ext: '0xcafe' },
    });
    expect(o.gc_grace_seconds).toBe(3600);
    expect(o.compaction).toEqual({ class: 'org.apache.cassandra.db.compaction.LeveledCompactionStrategy', max_threshold: '32', min_threshold: '4', sstable_size_in_mb: '80' });
    expect(o.compression).toEqual({ chunk_length_in_kb: '64', class: 'org.apache.cassandra.io.compress.ZstdCompressor', compression_level: '3' });
    expect(o.caching).toEqual({ keys: 'NONE', rows_per_partition: '100' });
    expect(o.speculative_retry).toBe('95p');
    expect(o.additional_write_policy).toBe('MIN(99p,10ms)');
    expect(o.read_repair).toBe('NONE');
    expect(o.cdc).toBe(true);
    expect([...o.extensions.ext!]).toEqual([0xca, 0xfe]);
    // leveled compaction defaults the bloom filter to 0.1 on CREATE
    expect(o.bloom_filter_fp_chance).toBe(0.1);
    expect(parseTableOptions({ compression: { enabled: false } }).compression).toEqual({ enabled: 'false' });
    expect(parseTableOptions({ compression: {} }).compression).toEqual({ enabled: 'false' }); // an empty map turns it off, as in Cassandra
    expect(parseTableOptions({ speculative_retry: 'none' }).speculative_retry).toBe('NEVER');
    expect(parseTableOptions({ speculative_retry: '50ms' }).speculative_retry).toBe('50ms');
    // percentile bounds are inclusive, signs allowed
    const bounds: [string, string][] = [['-0PERCENTILE', '0p'], ['+0p', '0p'], ['100PERCENTILE', '100p'], ['+100p', '100p'], ['0.001p', '0.001p']];
    for (const [given, stored] of bounds) {
      expect(parseTableOptions({ speculative_retry: given }).speculative_retry).toBe(stored);
    }
  });

  it('ALTER replaces only the given options, and map options as a whole', () => {
    const base = parseTableOptions({ comment: 'a', compaction: { class: 'LeveledCompactionStrategy' } });
    const altered = parseTableOptions({ compaction: { class: 'SizeTieredCompactionStrategy', bucket_low: 0.4 } }, base);
    expect(altered.comment).toBe('a');
    expect(altered.bloom_filter_fp_chance).toBe(0.1); // kept from the table, not re-defaulted
    expect(altered.compaction).toEqual({ bucket_low: '0.4', class: 'org.apache.cassandra.db.compaction.SizeTieredCompactionStrategy', max_threshold: '32', min_threshold: '4' });
  });
});

describe('keyspaces and replication', () => {
  it('validates SimpleStrategy and NetworkTopologyStrategy', () => {
    const opt = CatalogErrorCodes.INVALID_OPTION;
    const rep = (m: RawOptions['x'], dcs?: string[]): unknown => createKeyspaceMetadata('ks', { replication: m }, { datacenters: dcs });
    expectError(() => rep({ class: 'SimpleStrategy' }), opt, 'SimpleStrategy requires a replication_factor strategy option.');
    expectError(() => rep({ class: 'SimpleStrategy', replication_factor: 'three' }), opt, 'Replication factor must be numeric; found three');
    expectError(() => rep({ class: 'SimpleStrategy', replication_factor: -1 }), opt, 'Replication factor must be non-negative, found -1');
    expectError(() => rep({ class: 'SimpleStrategy', replication_factor: 1, dc1: 2 }), opt, 'Unrecognized strategy option {dc1} passed to SimpleStrategy for keyspace ks');
    expectError(() => rep({ class: 'NetworkTopologyStrategy', dc1: 'x' }), opt, 'Replication factor must be numeric; found x');
    expectError(() => rep({ class: 'FancyStrategy' }), opt, "Unable to find replication strategy class 'org.apache.cassandra.locator.FancyStrategy'");
    expectError(() => rep({ class: 'NetworkTopologyStrategy', dc9: 1 }, ['dc1']), opt, 'Unrecognized strategy option {dc9} passed to org.apache.cassandra.locator.NetworkTopologyStrategy for keyspace ks');
    // option names are case-sensitive: 'Replication_factor' is an (unknown) datacenter
    expectError(() => rep({ class: 'NetworkTopologyStrategy', Replication_factor: 1 }, ['dc1']), opt, /Unrecognized strategy option {Replication_factor}/);
    expectError(() => rep({ class: 'LocalStrategy' }), opt, 'Unable to use given strategy class: LocalStrategy is reserved for internal use.');
    expectError(() => rep({ class: 'EverywhereStrategy' }), opt, /EverywhereStrategy is reserved for internal use/);
    expectError(() => createKeyspaceMetadata('ks', { replication: { class: 'SimpleStrategy', replication_factor: 1 }, foo: 1 }), CatalogErrorCodes.UNKNOWN_OPTION, "Unknown property 'foo'");
    expectError(() => createKeyspaceMetadata('system', { replication: { class: 'SimpleStrategy', replication_factor: 1 } }), CatalogErrorCodes.INVALID_DEFINITION, 'system keyspace is not user-modifiable');
    expectError(() => createKeyspaceMetadata('a'.repeat(193), { replication: { class: 'SimpleStrategy', replication_factor: 1 } }), CatalogErrorCodes.INVALID_DEFINITION, /Keyspace name must not be empty, more than 192/);
    expect(createKeyspaceMetadata('a'.repeat(192), { replication: { class: 'SimpleStrategy', replication_factor: 1 } }).name).toHaveLength(192);

    expect(rep({ class: 'SimpleStrategy', replication_factor: '3' })).toEqual({
      name: 'ks',
      replication: { class: 'org.apache.cassandra.locator.SimpleStrategy', replication_factor: '3' },
      durableWrites: true,
      userTypes: [],
    });
    // replication_factor shorthand: every known DC not given explicitly
    expect(parseReplication('ks', new Map([['class', 'NetworkTopologyStrategy'], ['replication_factor', '3'], ['dc2', '1']]), { datacenters: ['dc1', 'dc2'] })).toEqual({
      class: 'org.apache.cassandra.locator.NetworkTopologyStrategy',
      dc1: '3',
      dc2: '1',
    });
    expect(parseReplication('system', new Map([['class', 'LocalStrategy']]), { system: true })).toEqual({ class: 'org.apache.cassandra.locator.LocalStrategy' });
  });

  it("CREATE KEYSPACE applies ScyllaDB's defaults: NetworkTopologyStrategy, RF 1 in every datacenter", () => {
    const nts = { class: 'org.apache.cassandra.locator.NetworkTopologyStrategy', dc1: '1' };
    const dcs = { datacenters: ['dc1'] };
    expect(createKeyspaceMetadata('ks', {}, dcs).replication).toEqual(nts);
    expect(createKeyspaceMetadata('ks', { replication: {} }, dcs).replication).toEqual(nts);
    expect(createKeyspaceMetadata('ks', { replication: { replication_factor: 1 } }, dcs).replication).toEqual(nts);
    expect(createKeyspaceMetadata('ks', { replication: { class: 'NetworkTopologyStrategy' } }, dcs).replication).toEqual(nts);
    // SimpleStrategy still needs its factor
    expectError(() => createKeyspaceMetadata('ks', { replication: { class: 'SimpleStrategy' } }, dcs), CatalogErrorCodes.INVALID_OPTION, /requires a replication_factor/);
  });

  it('ALTER KEYSPACE replaces replication, keeps what is not given', () => {
    const ks = createKeyspaceMetadata('ks', { replication: { class: 'SimpleStrategy', replication_factor: 1 }, durable_writes: false });
    const a = alterKeyspace(ks, { replication: { class: 'NetworkTopologyStrategy', dc1: 3 } });
    expect(a.replication).toEqual({ class: 'org.apache.cassandra.locator.NetworkTopologyStrategy', dc1: '3' });
    expect(a.durableWrites).toBe(false);
    expect(alterKeyspace(a, { durable_writes: true }).replication).toBe(a.replication);
    expectError(() => alterKeyspace(ks, { replication: { replication_factor: 2 } }), CatalogErrorCodes.INVALID_OPTION, 'Missing replication strategy class');
  });

  it('ALTER KEYSPACE to NetworkTopologyStrategy: datacenters listed, factors moved one step at a time', () => {
    const opt = CatalogErrorCodes.INVALID_OPTION;
    const dcs = { datacenters: ['dc1'] };
    const ks = createKeyspaceMetadata('ks', { replication: { class: 'NetworkTopologyStrategy', dc1: 1 } }, dcs);
    expectError(() => alterKeyspace(ks, { replication: { class: 'NetworkTopologyStrategy' } }, dcs), opt, 'Configuration for at least one datacenter must be present');
    expectError(() => alterKeyspace(ks, { replication: { class: 'NetworkTopologyStrategy', replication_factor: 2 } }, dcs), opt, /'replication_factor' tag is not allowed/);
    expectError(() => alterKeyspace(ks, { replication: { class: 'NetworkTopologyStrategy', dc1: 3 } }, dcs), opt, /not by more than 1/);
    expectError(() => alterKeyspace(ks, { replication: { class: 'NetworkTopologyStrategy', dc1: 1, nodc: 1 } }, dcs), opt, /Unrecognized strategy option {nodc}/);
    expect(alterKeyspace(ks, { replication: { class: 'NetworkTopologyStrategy', dc1: 2 } }, dcs).replication.dc1).toBe('2');
    // leaving NetworkTopologyStrategy is not a step-by-step change
    expect(alterKeyspace(ks, { replication: { class: 'SimpleStrategy', replication_factor: 3 } }, dcs).replication.replication_factor).toBe('3');
  });
});

describe('alterTable', () => {
  const base = (): TableMetadata =>
    createTableMetadata(
      table({
        columns: [
          { name: 'k', type: int },
          { name: 'c', type: text },
          { name: 'v', type: text },
          { name: 'f', type: udtType('ks', 'point', [{ name: 'x', type: int }], true) },
        ],
      }),
    );
  const add = (t: TableMetadata, ...columns: ColumnDefinition[]): TableMetadata => alterTable(t, { kind: 'add', columns });
  const INVALID = CatalogErrorCodes.INVALID_DEFINITION;

  it('ADD: name clash, static rules, counters', () => {
    expectError(() => add(base(), { name: 'v', type: int }), INVALID, "Column with name 'v' already exists");
    expectError(() => add(base(), { name: 'k', type: int }), INVALID, "Column with name 'k' already exists");
    const noClustering = createTableMetadata(table({ columns: [{ name: 'k', type: int }, { name: 'v', type: int }], clustering: [] }));
    expectError(() => add(noClustering, { name: 's', type: int, static: true }), INVALID, /Static columns are only useful/);
    expectError(() => add(base(), { name: 'n', type: counter }), INVALID, 'Cannot add a counter column (n) in a non counter table');
    expectError(() => add(base(), { name: 'a', type: address }), INVALID, 'Non-frozen UDTs with nested non-frozen collections are not supported for column a');
    const t = add(base(), { name: 'a0', type: int }, { name: 's', type: int, static: true });
    expect(t.columns.map((c) => `${c.name}:${c.kind}`)).toEqual(['a0:regular', 'f:regular', 's:static', 'v:regular']);
    expect(t.id).toBe(base().id);
  });

  it('DROP: not a pk column, recorded with the timestamp (ms precision, UDTs as tuples)', () => {
    expectError(() => alterTable(base(), { kind: 'drop', columns: ['k'], timestampUs: 1n }), INVALID, 'Cannot drop PRIMARY KEY column k');
    expectError(() => alterTable(base(), { kind: 'drop', columns: ['zz'], timestampUs: 1n }), INVALID, "Column zz was not found in table 'ks.t'");
    const t = alterTable(base(), { kind: 'drop', columns: ['v', 'f'], timestampUs: 1_700_000_000_123_456n });
    expect(t.columns).toEqual([]);
    expect(t.droppedColumns).toEqual([
      { name: 'f', type: tupleType([int]), kind: 'regular', droppedAtUs: 1_700_000_000_124_000n },
      { name: 'v', type: text, kind: 'regular', droppedAtUs: 1_700_000_000_124_000n },
    ]);
    // rounded up: a write earlier in the drop's millisecond stays dropped; whole ms are kept
    expect(alterTable(base(), { kind: 'drop', columns: ['v'], timestampUs: 20_000n }).droppedColumns[0]!.droppedAtUs).toBe(20_000n);
    // reads see every drop: dropped columns and re-added ones carry their drop time
    const readded = add(t, { name: 'f', type: udtType('ks', 'point', [{ name: 'x', type: int }], true) });
    expect(tableMutationSchema(readded).columns.map((c) => [c.name, c.droppedAtUs])).toEqual([
      ['f', 1_700_000_000_124_000n],
      ['v', 1_700_000_000_124_000n],
    ]);
    expect(tableMutationSchema(base()).columns.every((c) => c.droppedAtUs === undefined)).toBe(true);
    expect(new TableComparators(tableMutationSchema(base())).droppedColumnDeletions).toBeNull();
    expect(new TableComparators(tableMutationSchema(readded)).droppedColumnDeletions?.get('v')).toEqual({
      markedForDeleteAtUs: 1_700_000_000_124_000n,
      localDeletionTimeSeconds: 1_700_000_000,
    });
    // re-adding: same type (a UDT matches its tuple), not another type or kind
    expectError(() => add(t, { name: 'v', type: int }), INVALID, "Cannot re-add previously dropped column 'v' of type int, incompatible with previous type text");
    expect(add(t, { name: 'f', type: udtType('ks', 'point', [{ name: 'x', type: int }], true) }).columns.map((c) => c.name)).toEqual(['f']);
    const withUdt = add(createTableMetadata(table()), { name: 'u', type: udtType('ks', 'u', [{ name: 'a', type: int }]) });
    expectError(() => alterTable(withUdt, { kind: 'drop', columns: ['u'], timestampUs: 1n }), INVALID, 'Cannot drop non-frozen column u of user type u');
  });

  it('DROP then re-add a static as regular is refused', () => {
    const t0 = add(base(), { name: 's', type: int, static: true });
    const t1 = alterTable(t0, { kind: 'drop', columns: ['s'], timestampUs: 5000n });
    expectError(() => add(t1, { name: 's', type: int }), INVALID, "Cannot re-add previously dropped column 's' of kind REGULAR, incompatible with previous kind STATIC");
  });

  it('RENAME: primary key columns only', () => {
    expectError(() => alterTable(base(), { kind: 'rename', renames: [{ from: 'v', to: 'w' }] }), INVALID, 'Cannot rename non PRIMARY KEY column v');
    expectError(() => alterTable(base(), { kind: 'rename', renames: [{ from: 'c', to: 'v' }] }), INVALID, "Cannot rename column c to v in table 'ks.t'; another column with that name already exists");
    expectError(() => alterTable(base(), { kind: 'rename', renames: [{ from: 'q', to: 'r' }] }), INVALID, 'Column q was not found in table ks.t');
    const t = alterTable(base(), { kind: 'rename', renames: [{ from: 'k', to: 'key' }, { from: 'c', to: 'ck' }] });
    expect(t.partitionKey[0]!.name).toBe('key');
    expect(t.clustering[0]!.name).toBe('ck');
  });

  it('WITH: options over the current ones; id and counter TTL refused', () => {
    const t = alterTable(base(), { kind: 'options', options: { comment: 'x', gc_grace_seconds: 10 } });
    expect(t.options.comment).toBe('x');
    expect(t.options.gc_grace_seconds).toBe(10);
    expectError(() => alterTable(base(), { kind: 'options', options: { id: base().id } }), CatalogErrorCodes.INVALID_OPTION, 'Cannot alter table id.');
    expectError(() => alterTable(base(), { kind: 'options', options: { default_time_to_live: -2 } }), CatalogErrorCodes.INVALID_OPTION, /default_time_to_live must be greater/);
    const counters = createTableMetadata(table({ columns: [{ name: 'k', type: int }, { name: 'c', type: text }, { name: 'n', type: counter }] }));
    expectError(() => alterTable(counters, { kind: 'options', options: { default_time_to_live: 5 } }), INVALID, 'Cannot set default_time_to_live on a table with counters');
  });
});

describe('user-defined types', () => {
  const ks = createKeyspaceMetadata('ks', { replication: { class: 'SimpleStrategy', replication_factor: 1 } });
  const INVALID = CatalogErrorCodes.INVALID_DEFINITION;
  const resolve = (k: KeyspaceDefinition) => (text: string) =>
    parseCqlType(text, { resolveUdt: (_ks, name) => k.keyspace.userTypes.find((t) => t.name === name) });

  it('CREATE TYPE rules', () => {
    expectError(() => createUserType(ks, 't', [{ name: 'a', type: int }, { name: 'a', type: text }]), INVALID, "Duplicate field name 'a' in type 't'");
    expectError(() => createUserType(ks, 't', [{ name: 'a', type: counter }]), INVALID, 'A user type cannot contain counters');
    expectError(() => createUserType(ks, 't', [{ name: 'a', type: udtType('ks', 'x', [{ name: 'q', type: int }]) }]), INVALID, 'A user type cannot contain non-frozen UDTs');
    expectError(() => createUserType(ks, 'int', [{ name: 'a', type: int }]), INVALID, 'int is a reserved type name');
    const k1 = createUserType(ks, 'point', [{ name: 'x', type: int }]);
    expectError(() => createUserType(k1, 'point', [{ name: 'x', type: int }]), INVALID, "A user type with name 'point' already exists");
  });

  it('ALTER TYPE updates the type everywhere it is used; rules for ADD and RENAME', () => {
    let def: KeyspaceDefinition = { keyspace: createUserType(ks, 'point', [{ name: 'x', type: int }]), tables: [] };
    def = { ...def, keyspace: createUserType(def.keyspace, 'shape', [{ name: 'p', type: resolve(def)('frozen<point>') }]) };
    const t = createTableMetadata(
      table({
        columns: [
          { name: 'k', type: int },
          { name: 'c', type: text },
          { name: 's', type: resolve(def)('frozen<shape>') },
          { name: 'l', type: resolve(def)('list<frozen<point>>') },
        ],
      }),
    );
    def = { ...def, tables: [t] };
    const after = alterUserType(def, 'point', { kind: 'add', field: { name: 'y', type: int } });
    const point = after.keyspace.userTypes.find((u) => u.name === 'point')!;
    expect(point.fields.map((f) => f.name)).toEqual(['x', 'y']);
    const shape = after.keyspace.userTypes.find((u) => u.name === 'shape')!;
    expect(shape.fields[0]!.type).toEqual(udtType('ks', 'point', point.fields, true));
    const cols = after.tables[0]!.columns;
    expect(cols.find((c) => c.name === 's')!.type).toEqual(udtType('ks', 'shape', [{ name: 'p', type: udtType('ks', 'point', point.fields, true) }], true));
    expect(cols.find((c) => c.name === 'l')!.type).toEqual(listType(udtType('ks', 'point', point.fields, true)));

    expectError(() => alterUserType(def, 'point', { kind: 'add', field: { name: 'x', type: text } }), INVALID, 'Cannot add field x to type point: a field with name x already exists');
    expectError(() => alterUserType(def, 'point', { kind: 'add', field: { name: 'me', type: resolve(def)('frozen<shape>') } }), INVALID, /it would create a circular reference/);
    expectError(() => alterUserType(def, 'nope', { kind: 'add', field: { name: 'a', type: int } }), CatalogErrorCodes.NOT_FOUND, "Type 'ks.nope' doesn't exist");
    expectError(() => alterUserType(def, 'point', { kind: 'rename', renames: [{ from: 'q', to: 'r' }] }), INVALID, 'Unknown field q in user type point');
    const renamed = alterUserType(after, 'point', { kind: 'rename', renames: [{ from: 'x', to: 'px' }] });
    expect(renamed.tables[0]!.columns.find((c) => c.name === 'l')!.type).toEqual(listType(udtType('ks', 'point', [{ name: 'px', type: int }, { name: 'y', type: int }], true)));
    expectError(() => alterUserType(after, 'point', { kind: 'rename', renames: [{ from: 'x', to: 'y' }] }), INVALID, 'Duplicate field name y in type point');

    const keyed = createTableMetadata(table({ name: 'keyed', columns: [{ name: 'k', type: resolve(def)('frozen<point>') }, { name: 'c', type: int }] }));
    expectError(
      () => alterUserType({ ...def, tables: [keyed] }, 'point', { kind: 'add', field: { name: 'z', type: int } }),
      INVALID,
      'Cannot add new field z of type int to user type point as the type is being used in partition key by the following tables: ks.keyed',
    );
    // renaming a field changes the key's meaning too (dtest test_udt_change_in_partition_key)
    expectError(
      () => alterUserType({ ...def, tables: [keyed] }, 'point', { kind: 'rename', renames: [{ from: 'x', to: 'px' }] }),
      INVALID,
      'Cannot rename fields of user type point as the type is being used in partition key by the following tables: ks.keyed',
    );
  });

  it('DROP TYPE is refused while a type or a table uses it', () => {
    let def: KeyspaceDefinition = { keyspace: createUserType(ks, 'point', [{ name: 'x', type: int }]), tables: [] };
    def = { ...def, keyspace: createUserType(def.keyspace, 'shape', [{ name: 'p', type: resolve(def)('frozen<point>') }]) };
    expectError(() => dropUserType(def, 'point'), INVALID, "Cannot drop user type 'ks.point' as it is still used by user types shape");
    const t = createTableMetadata(table({ columns: [{ name: 'k', type: int }, { name: 'c', type: text }, { name: 's', type: resolve(def)('frozen<shape>') }] }));
    expectError(() => dropUserType({ ...def, tables: [t] }, 'shape'), INVALID, "Cannot drop user type 'ks.shape' as it is still used by tables t");
    const withoutShape = dropUserType(def, 'shape');
    expect(withoutShape.userTypes.map((u) => u.name)).toEqual(['point']);
    expect(dropUserType({ keyspace: withoutShape, tables: [] }, 'point').userTypes).toEqual([]);
    expectError(() => dropUserType(def, 'nope'), CatalogErrorCodes.NOT_FOUND, "Type 'ks.nope' doesn't exist");
  });
});
