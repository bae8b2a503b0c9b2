import { listType, mapType, nativeType, NATIVE_TYPE_NAMES, reversedType, setType, tupleType, udtType, type CqlType } from '@charybdis/schema';
import { BodyWriter } from '../src/protocol/body-writer';
import { FrameReader } from '../src/protocol/frame-reader';
import { decompressV4Body } from '../src/protocol/lz4-compression';
import { ErrorCode, Opcode } from '../src/protocol/opcodes';
import { encodeColumnSpecs, type ColumnSpec } from '../src/protocol/result-metadata';
import type { ErrorResponse, Response } from '../src/protocol/response-types';
import { encodeResponse, ResponseWriter } from '../src/protocol/response-writer';
import { RowsEncoder } from '../src/protocol/rows-encoder';
import { readTypeOption, writeTypeOption } from '../src/protocol/type-option-codec';

const hex = (s: string): Buffer => Buffer.from(s.replace(/[\s|]/g, ''), 'hex');
const str = (s: string): string => {
  const b = Buffer.from(s, 'utf8');
  return b.length.toString(16).padStart(4, '0') + b.toString('hex');
};
const len = (bodyHex: string): string => (bodyHex.replace(/[\s|]/g, '').length / 2).toString(16).padStart(8, '0');
/** A whole response frame: header for `version`/`stream`/`opcode` and the given body. */
const frameHex = (version: number, stream: string, opcode: string, body: string, flags = '00'): Buffer =>
  hex(`${(0x80 | version).toString(16)} ${flags} ${stream} ${opcode} ${len(body)} ${body}`);

const COLUMNS: ColumnSpec[] = [
  { keyspace: 'ks', table: 't', name: 'k', type: nativeType('int') },
  { keyspace: 'ks', table: 't', name: 'v', type: nativeType('text') },
];
const ROWS_BODY = `00000002 | 00000001 00000002 ${str('ks')} ${str('t')} ${str('k')} 0009 ${str('v')} 000d | 00000001 | 00000004 0000002a ffffffff`;

describe('response encoding against hand-built frames', () => {
  const info = { version: 4, stream: 3 };

  test('Rows with a global table spec: convenience encoder and streaming RowsEncoder agree', () => {
    const expected = frameHex(4, '0003', '08', ROWS_BODY);
    const rows = [[hex('0000002a'), null]];
    expect(encodeResponse(info, { kind: 'result', result: { kind: 'rows', metadata: { columns: COLUMNS }, rows } })).toEqual(expected);
    const w = new ResponseWriter();
    const enc = new RowsEncoder(w);
    enc.beginRows(info, { columns: encodeColumnSpecs(COLUMNS, 4) });
    enc.addCell(hex('0000002a'));
    enc.addCell(null);
    enc.finish();
    expect(w.take()).toEqual(expected);
  });

  test('Rows with paging state, no_metadata, and v5 metadata_changed', () => {
    const w = new ResponseWriter();
    const enc = new RowsEncoder(w);
    enc.beginRows({ version: 5, stream: 1 }, { columns: COLUMNS, pagingState: hex('abcd'), newMetadataId: hex('99') });
    enc.addRow([hex('00000001'), hex('61')]);
    enc.addRow([hex('00000002'), hex('62')]);
    enc.finish();
    enc.beginRows({ version: 5, stream: 2 }, { columns: COLUMNS, noMetadata: true });
    enc.finish();
    const body1 = `00000002 0000000b 00000002 00000002abcd 000199 ${str('ks')} ${str('t')} ${str('k')} 0009 ${str('v')} 000d 00000002 00000004 00000001 00000001 61 00000004 00000002 00000001 62`;
    const body2 = `00000002 00000004 00000002 00000000`;
    expect(w.take()).toEqual(Buffer.concat([frameHex(5, '0001', '08', body1), frameHex(5, '0002', '08', body2)]));
  });

  test('a row with the wrong number of cells is refused and the frame is dropped', () => {
    const w = new ResponseWriter();
    const enc = new RowsEncoder(w);
    enc.beginRows(info, { columns: COLUMNS });
    expect(() => enc.addRow([null])).toThrow(/addRow got 1 cells/);
    enc.addCell(null);
    expect(() => enc.finish()).toThrow(/the last row has 1 of 2 cells/);
    expect(w.pendingBytes).toBe(0);
  });

  test('Unprepared carries the id', () => {
    const frame = encodeResponse(info, { kind: 'error', error: { code: ErrorCode.UNPREPARED, message: 'unknown', id: hex('cafe') } });
    expect(frame).toEqual(frameHex(4, '0003', '00', `00002500 ${str('unknown')} 0002cafe`));
  });

  const ERRORS: [ErrorResponse, string, string][] = [
    [{ code: ErrorCode.SERVER_ERROR, message: 'm' }, '', ''],
    [{ code: ErrorCode.UNAVAILABLE, message: 'm', consistency: 4, required: 2, alive: 1 }, '0004 00000002 00000001', 'same'],
    [
      { code: ErrorCode.WRITE_TIMEOUT, message: 'm', consistency: 1, received: 0, blockFor: 1, writeType: 'CAS', contentions: 3 },
      `0001 00000000 00000001 ${str('CAS')}`,
      `0001 00000000 00000001 ${str('CAS')} 0003`,
    ],
    [{ code: ErrorCode.READ_TIMEOUT, message: 'm', consistency: 1, received: 1, blockFor: 2, dataPresent: true }, '0001 00000001 00000002 01', 'same'],
    [
      { code: ErrorCode.READ_FAILURE, message: 'm', consistency: 1, received: 0, blockFor: 1, dataPresent: false, failures: [{ address: hex('7f000001'), reasonCode: 1 }] },
      '0001 00000000 00000001 00000001 00',
      '0001 00000000 00000001 00000001 047f000001 0001 00',
    ],
    [
      { code: ErrorCode.WRITE_FAILURE, message: 'm', consistency: 1, received: 0, blockFor: 1, writeType: 'SIMPLE', failures: [{ address: hex('7f000001'), reasonCode: 0 }] },
      `0001 00000000 00000001 00000001 ${str('SIMPLE')}`,
      `0001 00000000 00000001 00000001 047f000001 0000 ${str('SIMPLE')}`,
    ],
    [{ code: ErrorCode.FUNCTION_FAILURE, message: 'm', keyspace: 'ks', function: 'f', argTypes: ['int'] }, `${str('ks')} ${str('f')} 0001 ${str('int')}`, 'same'],
    [{ code: ErrorCode.ALREADY_EXISTS, message: 'm', keyspace: 'ks', table: '' }, `${str('ks')} 0000`, 'same'],
    [{ code: ErrorCode.PROTOCOL_ERROR, message: 'm' }, '', ''],
    [{ code: ErrorCode.BAD_CREDENTIALS, message: 'm' }, '', ''],
    [{ code: ErrorCode.OVERLOADED, message: 'm' }, '', ''],
    [{ code: ErrorCode.IS_BOOTSTRAPPING, message: 'm' }, '', ''],
    [{ code: ErrorCode.TRUNCATE_ERROR, message: 'm' }, '', ''],
    [{ code: ErrorCode.SYNTAX_ERROR, message: 'm' }, '', ''],
    [{ code: ErrorCode.UNAUTHORIZED, message: 'm' }, '', ''],
    [{ code: ErrorCode.INVALID, message: 'm' }, '', ''],
    [{ code: ErrorCode.CONFIG_ERROR, message: 'm' }, '', ''],
  ];

  test.each(ERRORS)('error 0x%#: v4 and v5 extra fields', (error, v4Extra, v5Extra) => {
    const head = `${error.code.toString(16).padStart(8, '0')} ${str('m')}`;
    expect(encodeResponse(info, { kind: 'error', error })).toEqual(frameHex(4, '0003', '00', `${head} ${v4Extra}`));
    const v5 = v5Extra === 'same' ? v4Extra : v5Extra;
    expect(encodeResponse({ version: 5, stream: 3 }, { kind: 'error', error })).toEqual(frameHex(5, '0003', '00', `${head} ${v5}`));
  });

  test('v5-only errors are translated for v4 clients', () => {
    const cas = { code: ErrorCode.CAS_WRITE_UNKNOWN, message: 'm', consistency: 8, received: 0, blockFor: 2 } as const;
    expect(encodeResponse({ version: 5, stream: 0 }, { kind: 'error', error: cas })).toEqual(
      frameHex(5, '0000', '00', `00001700 ${str('m')} 0008 00000000 00000002`),
    );
    expect(encodeResponse({ version: 4, stream: 0 }, { kind: 'error', error: cas })).toEqual(
      frameHex(4, '0000', '00', `00001100 ${str('m')} 0008 00000000 00000002 ${str('CAS')}`),
    );
    const cdc = { code: ErrorCode.CDC_WRITE_FAILURE, message: 'cdc full' } as const;
    expect(encodeResponse({ version: 5, stream: 0 }, { kind: 'error', error: cdc }).readInt32BE(9)).toBe(0x1600);
    expect(encodeResponse({ version: 4, stream: 0 }, { kind: 'error', error: cdc }).readInt32BE(9)).toBe(0x0000);
  });

  test('READY, AUTHENTICATE, SUPPORTED, AUTH_CHALLENGE, AUTH_SUCCESS', () => {
    expect(encodeResponse(info, { kind: 'ready' })).toEqual(frameHex(4, '0003', '02', ''));
    const auth = 'org.apache.cassandra.auth.PasswordAuthenticator';
    expect(encodeResponse(info, { kind: 'authenticate', authenticator: auth })).toEqual(frameHex(4, '0003', '03', str(auth)));
    const supported = new Map([['CQL_VERSION', ['3.4.5']], ['COMPRESSION', ['lz4']]]);
    expect(encodeResponse(info, { kind: 'supported', options: supported })).toEqual(
      frameHex(4, '0003', '06', `0002 ${str('CQL_VERSION')} 0001 ${str('3.4.5')} ${str('COMPRESSION')} 0001 ${str('lz4')}`),
    );
    expect(encodeResponse(info, { kind: 'authChallenge', token: hex('01') })).toEqual(frameHex(4, '0003', '0e', '00000001 01'));
    expect(encodeResponse(info, { kind: 'authSuccess', token: null })).toEqual(frameHex(4, '0003', '10', 'ffffffff'));
  });

  test('Void, SetKeyspace, SchemaChange for every target', () => {
    expect(encodeResponse(info, { kind: 'result', result: { kind: 'void' } })).toEqual(frameHex(4, '0003', '08', '00000001'));
    expect(encodeResponse(info, { kind: 'result', result: { kind: 'setKeyspace', keyspace: 'ks' } })).toEqual(
      frameHex(4, '0003', '08', `00000003 ${str('ks')}`),
    );
    const sc = (response: Response): Buffer => encodeResponse(info, response);
    expect(sc({ kind: 'result', result: { kind: 'schemaChange', schema: { change: 'CREATED', target: 'KEYSPACE', keyspace: 'ks' } } })).toEqual(
      frameHex(4, '0003', '08', `00000005 ${str('CREATED')} ${str('KEYSPACE')} ${str('ks')}`),
    );
    expect(sc({ kind: 'result', result: { kind: 'schemaChange', schema: { change: 'DROPPED', target: 'TABLE', keyspace: 'ks', name: 't' } } })).toEqual(
      frameHex(4, '0003', '08', `00000005 ${str('DROPPED')} ${str('TABLE')} ${str('ks')} ${str('t')}`),
    );
    const fn = { change: 'UPDATED', target: 'FUNCTION', keyspace: 'ks', name: 'f', argTypes: ['int', 'text'] } as const;
    expect(sc({ kind: 'result', result: { kind: 'schemaChange', schema: fn } })).toEqual(
      frameHex(4, '0003', '08', `00000005 ${str('UPDATED')} ${str('FUNCTION')} ${str('ks')} ${str('f')} 0002 ${str('int')} ${str('text')}`),
    );
  });

  test('Prepared: v3 without pk indexes, v4 with them, v5 with result_metadata_id', () => {
    const prepared = {
      kind: 'prepared' as const,
      id: hex('abcd'),
      resultMetadataId: hex('ef'),
      bindColumns: [COLUMNS[0]!],
      pkIndexes: [0],
      resultColumns: null,
    };
    const bind = `00000001 00000001 ${str('ks')} ${str('t')} ${str('k')} 0009`;
    const bindV4 = `00000001 00000001 00000001 0000 ${str('ks')} ${str('t')} ${str('k')} 0009`;
    const noMeta = `00000004 00000000`;
    const r = { kind: 'result' as const, result: prepared };
    expect(encodeResponse({ version: 3, stream: 0 }, r)).toEqual(frameHex(3, '0000', '08', `00000004 0002abcd ${bind} ${noMeta}`));
    expect(encodeResponse({ version: 4, stream: 0 }, r)).toEqual(frameHex(4, '0000', '08', `00000004 0002abcd ${bindV4} ${noMeta}`));
    expect(encodeResponse({ version: 5, stream: 0 }, r)).toEqual(frameHex(5, '0000', '08', `00000004 0002abcd 0001ef ${bindV4} ${noMeta}`));
    const withRows = { ...prepared, resultColumns: COLUMNS };
    const rowsMeta = `00000001 00000002 ${str('ks')} ${str('t')} ${str('k')} 0009 ${str('v')} 000d`;
    expect(encodeResponse({ version: 4, stream: 0 }, { kind: 'result', result: withRows })).toEqual(
      frameHex(4, '0000', '08', `00000004 0002abcd ${bindV4} ${rowsMeta}`),
    );
    expect(() => encodeResponse({ version: 5, stream: 0 }, { kind: 'result', result: { ...prepared, resultMetadataId: null } })).toThrow(
      /needs a result_metadata_id/,
    );
  });

  test('EVENTs on stream -1', () => {
    const ev = { version: 4, stream: -1 };
    expect(encodeResponse(ev, { kind: 'event', event: { type: 'STATUS_CHANGE', change: 'UP', node: { address: hex('7f000001'), port: 9042 } } })).toEqual(
      frameHex(4, 'ffff', '0c', `${str('STATUS_CHANGE')} ${str('UP')} 047f000001 00002352`),
    );
    expect(encodeResponse(ev, { kind: 'event', event: { type: 'TOPOLOGY_CHANGE', change: 'NEW_NODE', node: { address: hex('0a000002'), port: 9042 } } })).toEqual(
      frameHex(4, 'ffff', '0c', `${str('TOPOLOGY_CHANGE')} ${str('NEW_NODE')} 040a000002 00002352`),
    );
    expect(encodeResponse(ev, { kind: 'event', event: { type: 'SCHEMA_CHANGE', schema: { change: 'CREATED', target: 'TYPE', keyspace: 'ks', name: 'u' } } })).toEqual(
      frameHex(4, 'ffff', '0c', `${str('SCHEMA_CHANGE')} ${str('CREATED')} ${str('TYPE')} ${str('ks')} ${str('u')}`),
    );
  });

  test('tracing id, warnings and custom payload prefix the body in that order', () => {
    const frame = encodeResponse(
      { version: 4, stream: 1, tracingId: hex('00112233445566778899aabbccddeeff'), warnings: ['w'], customPayload: new Map([['k', hex('01')]]) },
      { kind: 'result', result: { kind: 'void' } },
    );
    expect(frame).toEqual(frameHex(4, '0001', '08', `00112233445566778899aabbccddeeff 0001 ${str('w')} 0001 ${str('k')} 00000001 01 00000001`, '0e'));
  });

  test('v4 lz4 body compression sets the flag and decompresses back; small bodies stay plain', () => {
    const big = Array.from({ length: 200 }, () => [hex('0000002a'), Buffer.from('repetitive text value')]);
    const plain = encodeResponse(info, { kind: 'result', result: { kind: 'rows', metadata: { columns: COLUMNS }, rows: big } });
    const compressed = encodeResponse(info, { kind: 'result', result: { kind: 'rows', metadata: { columns: COLUMNS }, rows: big } }, 'lz4');
    expect(compressed[1]).toBe(0x01);
    expect(compressed.length).toBeLessThan(plain.length / 2);
    expect(compressed.readInt32BE(5)).toBe(compressed.length - 9);
    expect(compressed.readInt32BE(9)).toBe(plain.length - 9); // uncompressed length prefix
    expect(decompressV4Body(compressed.subarray(9), 1 << 20)).toEqual(plain.subarray(9));
    expect(encodeResponse(info, { kind: 'ready' }, 'lz4')[1]).toBe(0);
    expect(() => decompressV4Body(hex('7fffffff 00'), 1 << 20)).toThrow(/announces 2147483647 uncompressed bytes/);
    expect(() => decompressV4Body(hex('00000010 ffffffff'), 1 << 20)).toThrow(expect.objectContaining({ code: 'CQL_PROTOCOL' }) as Error);
  });
});

describe('CqlType <-> [option]', () => {
  const optionHex = (type: CqlType, version: number): string => {
    const w = new BodyWriter();
    writeTypeOption(w, type, version);
    return w.take().toString('hex');
  };

  test('ids for native types; text is reported as varchar; duration is custom before v5', () => {
    expect(optionHex(nativeType('text'), 4)).toBe('000d');
    expect(optionHex(nativeType('int'), 4)).toBe('0009');
    expect(optionHex(nativeType('duration'), 5)).toBe('0015');
    expect(optionHex(nativeType('duration'), 4)).toBe(`0000${str('org.apache.cassandra.db.marshal.DurationType')}`);
    expect(optionHex(nativeType('date'), 3)).toBe(`0000${str('org.apache.cassandra.db.marshal.SimpleDateType')}`);
    expect(optionHex(nativeType('smallint'), 4)).toBe('0013');
    expect(optionHex(reversedType(nativeType('bigint')), 4)).toBe('0002');
  });

  test('collections, UDTs and tuples', () => {
    expect(optionHex(mapType(nativeType('text'), listType(nativeType('int'), true)), 4)).toBe('0021 000d 0020 0009'.replace(/ /g, ''));
    const udt = udtType('ks', 'addr', [{ name: 'street', type: nativeType('text') }, { name: 'n', type: nativeType('int') }]);
    expect(optionHex(udt, 4)).toBe(`0030${str('ks')}${str('addr')}0002${str('street')}000d${str('n')}0009`);
    expect(optionHex(tupleType([nativeType('int'), nativeType('uuid')]), 4)).toBe('00310002' + '0009000c');
  });

  test('every type reads back (top level unfrozen, nested frozen) in every version', () => {
    const types: CqlType[] = [
      ...NATIVE_TYPE_NAMES.map((n) => nativeType(n)),
      listType(nativeType('int')),
      setType(nativeType('text')),
      mapType(nativeType('text'), setType(nativeType('int'), true)),
      tupleType([nativeType('int'), listType(nativeType('text'), true)]),
      udtType('ks', 'u', [{ name: 'a', type: mapType(nativeType('int'), nativeType('int'), true) }]),
    ];
    for (const version of [3, 4, 5]) {
      for (const t of types) {
        const r = new FrameReader(Buffer.from(optionHex(t, version), 'hex'), 'TEST');
        expect(readTypeOption(r, 'type')).toEqual(t);
        r.expectEnd();
      }
    }
  });

  test('unknown ids, unknown custom classes and absurd nesting are protocol errors', () => {
    expect(() => readTypeOption(new FrameReader(hex('0016'), 'TEST'), 'type')).toThrow(/unknown type option id 0x0016/);
    expect(() => readTypeOption(new FrameReader(hex(`0000${str('x.Y')}`), 'TEST'), 'type')).toThrow(/unsupported custom type 'x.Y'/);
    expect(() => readTypeOption(new FrameReader(Buffer.from('0020'.repeat(100) + '0009', 'hex'), 'TEST'), 'type')).toThrow(/nested deeper/);
  });

  test('pre-encoded column specs are tied to their version', () => {
    const w = new ResponseWriter();
    expect(() => new RowsEncoder(w).beginRows({ version: 5, stream: 0 }, { columns: encodeColumnSpecs(COLUMNS, 4) })).toThrow(/encoded for v4 used in a v5/);
    expect(w.pendingBytes).toBe(0);
    expect(Opcode.RESULT).toBe(8);
  });
});
