import {
  MutationErrorCodes,
  PARTITION_UPDATE_FORMAT_VERSION,
  TableComparators,
  counterCell,
  decodePartitionUpdate,
  peekPartitionUpdateTableId,
  emptyPartitionUpdate,
  encodePartitionUpdate,
  expiringCell,
  liveCell,
  normalizePartitionUpdate,
  tombstoneCell,
} from '../src/mutation';
import type { PartitionUpdate } from '../src/mutation';
import { murmur3Token } from '../src';
import { BOTTOM_BOUND, codecFor, listType, mapType, nativeType, reversedType } from '../src/types';

const TABLE_ID = 'a1b2c3d4-e5f6-4a1b-8c2d-3e4f5a6b7c8d';
const int = codecFor(nativeType('int'));
const text = codecFor(nativeType('text'));
const tc = new TableComparators({
  clusteringTypes: [nativeType('int'), reversedType(nativeType('text'))],
  columns: [
    { name: 'v', type: nativeType('int') },
    { name: 'st', type: nativeType('text') },
    { name: 'm', type: mapType(nativeType('text'), nativeType('int')) },
    { name: 'l', type: listType(nativeType('int')) },
  ],
});
const counters = new TableComparators({ clusteringTypes: [], columns: [{ name: 'c', type: nativeType('counter') }] });

/** An update with one of everything. */
function richUpdate(): PartitionUpdate {
  return normalizePartitionUpdate(
    {
      ...emptyPartitionUpdate(TABLE_ID, int.serialize(42)),
      partitionDeletion: { markedForDeleteAtUs: 1_700_000_000_000_000n, localDeletionTimeSeconds: 1_700_000_000 },
      staticRow: { columns: [{ kind: 'simple', column: 'st', cell: liveCell(1_700_000_000_000_005n, text.serialize('static')) }] },
      rows: [
        {
          clustering: [int.serialize(1), text.serialize('b')],
          marker: { timestampUs: 1_700_000_000_000_010n, ttlSeconds: 60, localExpirationTimeSeconds: 1_700_000_060 },
          deletion: { markedForDeleteAtUs: 1_700_000_000_000_001n, localDeletionTimeSeconds: 1_700_000_001 },
          columns: [
            { kind: 'simple', column: 'v', cell: expiringCell(1_700_000_000_000_010n, int.serialize(-7), 60, 1_700_000_000) },
            {
              kind: 'complex',
              column: 'm',
              deletion: { markedForDeleteAtUs: 1_700_000_000_000_009n, localDeletionTimeSeconds: 1_700_000_000 },
              cells: [
                { path: text.serialize('k1'), cell: liveCell(1_700_000_000_000_010n, int.serialize(1)) },
                { path: text.serialize('k2'), cell: tombstoneCell(1_700_000_000_000_011n, 1_700_000_000) },
              ],
            },
          ],
        },
        { clustering: [int.serialize(1), text.serialize('a')], columns: [{ kind: 'simple', column: 'v', cell: tombstoneCell(1_700_000_000_000_020n, 1_700_000_002) }] },
      ],
      rangeTombstones: [
        { start: { kind: 'exclStart', prefix: [int.serialize(5)] }, end: { kind: 'inclEnd', prefix: [int.serialize(9), text.serialize('x')] }, deletion: { markedForDeleteAtUs: 1_700_000_000_000_003n, localDeletionTimeSeconds: 1_700_000_003 } },
      ],
    },
    tc,
  );
}

function corrupt(bytes: Uint8Array, comparators = tc): string {
  try {
    decodePartitionUpdate(bytes, comparators);
  } catch (err) {
    expect(err).toMatchObject({ code: MutationErrorCodes.CORRUPT_MUTATION });
    return (err as Error).message;
  }
  throw new Error('decoded');
}

describe('partition update binary form', () => {
  test('round trip of an update with one of everything', () => {
    const u = richUpdate();
    // Normalizing kept every part: nothing in it is shadowed.
    expect([u.rows.length, u.rangeTombstones.length, u.staticRow?.columns.length]).toEqual([2, 1, 1]);
    // DESC text: 'b' sorts before 'a'.
    expect([u.rows[0]!.deletion, u.rows[0]!.marker, u.rows[0]!.columns.length]).toEqual([expect.anything(), expect.anything(), 2]);
    const bytes = encodePartitionUpdate(u);
    expect(bytes[0]).toBe(PARTITION_UPDATE_FORMAT_VERSION);
    expect(bytes.readUInt32BE(1)).toBe(bytes.length - 5);
    expect(decodePartitionUpdate(bytes, tc)).toEqual(u);
    expect(u.token).toBe(murmur3Token(int.serialize(42)));
  });

  test('the table id can be read from the header alone; a foreign header is refused', () => {
    const bytes = encodePartitionUpdate(richUpdate());
    expect(peekPartitionUpdateTableId(bytes)).toBe(TABLE_ID);
    expect(peekPartitionUpdateTableId(bytes.subarray(0, 21))).toBe(TABLE_ID);
    const wrongVersion = Buffer.from(bytes);
    wrongVersion[0] = 9;
    expect(() => peekPartitionUpdateTableId(wrongVersion)).toThrow('unknown format version 9');
    let err: unknown;
    try {
      peekPartitionUpdateTableId(bytes.subarray(0, 12));
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: MutationErrorCodes.CORRUPT_MUTATION });
  });

  test('timestamps are stored as deltas from the smallest, so a typical update stays small', () => {
    const u = normalizePartitionUpdate(
      { ...emptyPartitionUpdate(TABLE_ID, int.serialize(1)), rows: [{ clustering: [int.serialize(1), text.serialize('a')], marker: { timestampUs: 1_700_000_000_000_000n }, columns: [{ kind: 'simple', column: 'v', cell: liveCell(1_700_000_000_000_000n, int.serialize(5)) }] }] },
      tc,
    );
    // 5 header + 16 table id + 5 key + 8 token + 8 base + 3 name table + 1 flags + 1 row count + 1 rt count
    // + row: 1 flags + 8 clustering (count, 1+4, 1+1) + 1 marker delta + 1 column count + 1 index + 1 kind
    //        + 1 cell kind + 1 timestamp delta + 5 value = 20
    expect(encodePartitionUpdate(u).length).toBe(68);
  });

  test('counter cells round trip', () => {
    const u = normalizePartitionUpdate(
      {
        ...emptyPartitionUpdate(TABLE_ID, Buffer.from('k')),
        rows: [{ clustering: [], columns: [{ kind: 'simple', column: 'c', cell: counterCell(7n, [{ counterId: 'AAAAAAAA-0000-4000-8000-000000000001', clock: 3n, count: -9223372036854775808n }]) }] }],
      },
      counters,
    );
    expect(decodePartitionUpdate(encodePartitionUpdate(u), counters)).toEqual(u);
  });

  test('extreme timestamps (int64 bounds) round trip', () => {
    const u = normalizePartitionUpdate(
      {
        ...emptyPartitionUpdate(TABLE_ID, Buffer.alloc(0)),
        partitionDeletion: { markedForDeleteAtUs: -(2n ** 63n), localDeletionTimeSeconds: 0 },
        rows: [{ clustering: [int.serialize(0), text.serialize('')], columns: [{ kind: 'simple', column: 'v', cell: tombstoneCell(2n ** 63n - 1n, 0xffff_ffff) }] }],
      },
      tc,
    );
    expect(decodePartitionUpdate(encodePartitionUpdate(u), tc)).toEqual(u);
  });

  test('encoding rejects what the format cannot hold', () => {
    const base = emptyPartitionUpdate(TABLE_ID, Buffer.alloc(0));
    expect(() => encodePartitionUpdate({ ...base, partitionDeletion: { markedForDeleteAtUs: 2n ** 63n, localDeletionTimeSeconds: 0 } })).toThrow(
      expect.objectContaining({ code: MutationErrorCodes.INVALID_MUTATION }) as Error,
    );
    expect(() => encodePartitionUpdate({ ...base, partitionDeletion: { markedForDeleteAtUs: 0n, localDeletionTimeSeconds: -1 } })).toThrow(/not an unsigned 32-bit integer/);
    expect(() => encodePartitionUpdate({ ...base, tableId: 'users' })).toThrow(expect.objectContaining({ code: MutationErrorCodes.INVALID_MUTATION }) as Error);
  });

  test('clean errors: version, lengths, trailing bytes, schema mismatches, order', () => {
    const bytes = encodePartitionUpdate(richUpdate());
    expect(corrupt(Buffer.alloc(0))).toMatch(/offset 0: truncated while reading format version/);
    expect(corrupt(Buffer.from([2, 0, 0, 0, 0]))).toMatch(/unknown format version 2 \(expected 1\)/);
    expect(corrupt(Buffer.concat([bytes, Buffer.from([0])]))).toMatch(/body length \d+ but \d+ bytes follow the header/);
    const padded = Buffer.concat([bytes, Buffer.from([0])]);
    padded.writeUInt32BE(padded.length - 5, 1);
    expect(corrupt(padded)).toMatch(/1 unexpected bytes after the last range tombstone/);

    // A table without column m: the names table no longer fits.
    const narrow = new TableComparators({ clusteringTypes: tc.schema.clusteringTypes, columns: tc.schema.columns.filter((c) => c.name !== 'm') });
    expect(corrupt(bytes, narrow)).toMatch(/column m is not in the table/);
    // m declared single-cell: the data is multi-cell.
    const frozen = new TableComparators({
      clusteringTypes: tc.schema.clusteringTypes,
      columns: tc.schema.columns.map((c) => (c.name === 'm' ? { name: 'm', type: mapType(nativeType('text'), nativeType('int'), true) } : c)),
    });
    expect(corrupt(bytes, frozen)).toMatch(/multi-cell data for single-cell column m/);
    // Clustering order is part of the check: ASC text would put 'a' before 'b'.
    const asc = new TableComparators({ clusteringTypes: [nativeType('int'), nativeType('text')], columns: tc.schema.columns });
    expect(corrupt(bytes, asc)).toMatch(/row 1 is not after row 0 in clustering order/);
    // The clustering values are validated by their types.
    const wrongType = new TableComparators({ clusteringTypes: [nativeType('bigint'), nativeType('text')], columns: tc.schema.columns });
    expect(corrupt(bytes, wrongType)).toMatch(/Invalid bigint value: expected 8 or 0 bytes, got 4/);
    // A counter cell in a regular table.
    const counterBytes = encodePartitionUpdate({
      ...emptyPartitionUpdate(TABLE_ID, Buffer.alloc(0)),
      rows: [{ clustering: [], columns: [{ kind: 'simple', column: 'c', cell: counterCell(1n, []) }] }],
    });
    const counterAsRegular = new TableComparators({ clusteringTypes: [], columns: [{ name: 'c', type: nativeType('bigint') }] });
    expect(corrupt(counterBytes, counterAsRegular)).toMatch(/counter cell in non-counter column c/);
  });

  test('a corrupt count cannot make the decoder allocate: it must fit in the bytes left', () => {
    const u = normalizePartitionUpdate({ ...emptyPartitionUpdate(TABLE_ID, Buffer.alloc(0)), rangeTombstones: [{ start: BOTTOM_BOUND, end: { kind: 'inclEnd', prefix: [int.serialize(1)] }, deletion: { markedForDeleteAtUs: 1n, localDeletionTimeSeconds: 1 } }] }, tc);
    const bytes = Buffer.from(encodePartitionUpdate(u));
    // The row count is the byte after the flags; make it a huge varint that still parses.
    const rowCountAt = 5 + 16 + 1 + 8 + 8 + 1 + 1;
    expect(bytes[rowCountAt]).toBe(0);
    const huge = Buffer.concat([bytes.subarray(0, rowCountAt), Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]), bytes.subarray(rowCountAt + 1)]);
    huge.writeUInt32BE(huge.length - 5, 1);
    expect(corrupt(huge)).toMatch(/4294967295 rows cannot fit in the \d+ bytes left/);
  });
});
