import { randomBytes } from 'node:crypto';
import { NATIVE_TYPE_NAMES, codecFor, cqlTypesEqual, nativeType } from '@charybdis/schema';
import type { CqlType, NativeTypeName } from '@charybdis/schema';
import { invalidRequest } from './term-errors';
import { msToEpochDays } from './temporal-literals';
import { maxTimeUuid, minTimeUuid, randomUuidBytes, timeUuidBytes, timeUuidToMs } from './time-uuids';

/**
 * The native scalar functions of CQL usable in terms and selectors (Cassandra's TimeFcts,
 * UuidFcts and BytesConversionFcts), looked up by lower-case name and argument types.
 * Each takes and returns serialized values (null in → null out for the conversions).
 */
export interface ScalarFunction {
  /** Lower-case name, without keyspace (`blobasint`, `totimestamp`); they live in `system`. */
  readonly name: string;
  readonly argTypes: readonly CqlType[];
  readonly returnType: CqlType;
  /** True when the result depends only on the arguments, so calls with constant arguments are computed once at prepare time. */
  readonly pure: boolean;
  /** The result for these serialized (already validated) arguments at server time `nowMs`. */
  execute(args: readonly (Uint8Array | null)[], nowMs: number): Uint8Array | null;
}

const TICKS_PER_MS = 10_000;
const MS_PER_DAY = 86_400_000;
const NANOS_PER_MS = 1_000_000n;

const T = (name: NativeTypeName): CqlType => nativeType(name);
const long = (v: bigint): Uint8Array => codecFor(T('bigint')).serialize(v);
const timestamp = (ms: bigint): Uint8Array => codecFor(T('timestamp')).serialize(ms);
const date = (days: number): Uint8Array => codecFor(T('date')).serialize(days);
const readLong = (b: Uint8Array): bigint => Buffer.from(b.buffer, b.byteOffset, b.byteLength).readBigInt64BE(0);
const dateToMs = (b: Uint8Array): bigint => BigInt((codecFor(T('date')).deserialize(b) as number) * MS_PER_DAY);

function fn(name: string, args: readonly NativeTypeName[], ret: NativeTypeName, execute: (a: Uint8Array[], nowMs: number) => Uint8Array): ScalarFunction {
  return {
    name,
    argTypes: args.map(T),
    returnType: T(ret),
    pure: true,
    // A null or empty argument gives null, as Cassandra's conversion functions do.
    execute: (a) => (a.some((x) => x === null || x.length === 0) ? null : execute(a as Uint8Array[], 0)),
  };
}

function clockFn(name: string, ret: NativeTypeName, execute: (nowMs: number) => Uint8Array): ScalarFunction {
  return { name, argTypes: [], returnType: T(ret), pure: false, execute: (_a, nowMs) => execute(nowMs) };
}

function newTimeUuid(nowMs: number): Uint8Array {
  // Random sub-millisecond ticks and node: distinct values for calls in the same millisecond.
  const sub = randomBytes(2).readUInt16BE(0) % TICKS_PER_MS;
  return timeUuidBytes(BigInt(nowMs) * BigInt(TICKS_PER_MS) + BigInt(sub), randomBytes(8));
}

function timeFunctions(): ScalarFunction[] {
  return [
    clockFn('now', 'timeuuid', newTimeUuid),
    clockFn('currenttimeuuid', 'timeuuid', newTimeUuid),
    { name: 'uuid', argTypes: [], returnType: T('uuid'), pure: false, execute: () => randomUuidBytes() },
    clockFn('currenttimestamp', 'timestamp', (now) => timestamp(BigInt(now))),
    clockFn('currentdate', 'date', (now) => date(Math.floor(now / MS_PER_DAY))),
    clockFn('currenttime', 'time', (now) => long(BigInt(((now % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY) * NANOS_PER_MS)),
    fn('totimestamp', ['timeuuid'], 'timestamp', ([u]) => timestamp(timeUuidToMs(u!))),
    fn('totimestamp', ['date'], 'timestamp', ([d]) => timestamp(dateToMs(d!))),
    fn('todate', ['timeuuid'], 'date', ([u]) => date(msToEpochDays(timeUuidToMs(u!)))),
    fn('todate', ['timestamp'], 'date', ([t]) => date(msToEpochDays(readLong(t!)))),
    fn('tounixtimestamp', ['timeuuid'], 'bigint', ([u]) => long(timeUuidToMs(u!))),
    fn('tounixtimestamp', ['timestamp'], 'bigint', ([t]) => long(readLong(t!))),
    fn('tounixtimestamp', ['date'], 'bigint', ([d]) => long(dateToMs(d!))),
    fn('dateof', ['timeuuid'], 'timestamp', ([u]) => timestamp(timeUuidToMs(u!))),
    fn('unixtimestampof', ['timeuuid'], 'bigint', ([u]) => long(timeUuidToMs(u!))),
    fn('mintimeuuid', ['timestamp'], 'timeuuid', ([t]) => minTimeUuid(readLong(t!))),
    fn('maxtimeuuid', ['timestamp'], 'timeuuid', ([t]) => maxTimeUuid(readLong(t!))),
  ];
}

/** blobAsX / XAsBlob for every native type but blob, counter included (varchar is text's alias). */
function conversionFunctions(): ScalarFunction[] {
  const out: ScalarFunction[] = [];
  const names: [string, NativeTypeName][] = NATIVE_TYPE_NAMES.filter((n) => n !== 'blob').map((n) => [n, n]);
  names.push(['varchar', 'text']);
  for (const [alias, type] of names) {
    const codec = codecFor(T(type));
    out.push({ name: `${alias}asblob`, argTypes: [T(type)], returnType: T('blob'), pure: true, execute: ([v]) => v ?? null });
    out.push({
      name: `blobas${alias}`,
      argTypes: [T('blob')],
      returnType: T(type),
      pure: true,
      execute: ([v]) => {
        if (v === null || v === undefined) return null;
        try {
          codec.validate(v);
        } catch (err) {
          throw invalidRequest(`In call to function system.blobas${alias}, value 0x${Buffer.from(v).toString('hex')} is not a valid binary representation for type ${type}`, err);
        }
        return v;
      },
    });
  }
  return out;
}

function buildTable(): ReadonlyMap<string, readonly ScalarFunction[]> {
  const table = new Map<string, ScalarFunction[]>();
  for (const f of [...timeFunctions(), ...conversionFunctions()]) {
    const list = table.get(f.name) ?? [];
    list.push(f);
    table.set(f.name, list);
  }
  return table;
}

/** Immutable after module load: the function table is the same for every shard and schema. */
const SCALAR_FUNCTIONS = buildTable();

/** Every overload of the native scalar function `name` (lower-case, no keyspace), empty when unknown. */
export function scalarFunctionOverloads(name: string): readonly ScalarFunction[] {
  return SCALAR_FUNCTIONS.get(name) ?? [];
}

/** The overload of `name` taking exactly `argTypes` (reversed types compare by their base), or undefined. */
export function scalarFunction(name: string, argTypes: readonly CqlType[]): ScalarFunction | undefined {
  return scalarFunctionOverloads(name).find(
    (f) => f.argTypes.length === argTypes.length && f.argTypes.every((t, i) => cqlTypesEqual(t, unreverse(argTypes[i]!))),
  );
}

function unreverse(t: CqlType): CqlType {
  return t.kind === 'reversed' ? t.base : t;
}
