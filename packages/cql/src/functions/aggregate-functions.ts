import { codecFor, nativeType, unreversedType } from '@charybdis/schema';
import type { CqlDecimal, CqlType, ValueCodec } from '@charybdis/schema';

/**
 * Cassandra's native aggregates (cql3/functions/AggregateFcts): count, min, max, sum, avg,
 * with its result types — sum and avg of an integer type are that type (Java overflow and
 * truncating division included), of float/double a compensated sum, of decimal exact
 * (avg rounded HALF_EVEN at the sum's scale). With no input, count/sum/avg give 0 and
 * min/max null.
 */

/** One aggregation in progress (a group's state). */
export interface Aggregate {
  add(value: Uint8Array | null): void;
  /** The serialized result (null for min/max of nothing). */
  result(): Uint8Array | null;
  reset(): void;
}

/** A native aggregate bound to its argument type. */
export interface AggregateFunction {
  readonly name: 'count' | 'min' | 'max' | 'sum' | 'avg';
  readonly argType: CqlType;
  readonly resultType: CqlType;
  create(): Aggregate;
}

/** The native aggregate names. */
export const AGGREGATE_NAMES: ReadonlySet<string> = new Set(['count', 'min', 'max', 'sum', 'avg']);

const INTEGER_WIDTH_BITS: Readonly<Record<string, number>> = { tinyint: 8, smallint: 16, int: 32, bigint: 64, counter: 64 };

/** Integer types (fixed width and varint) whose arithmetic is done on bigints. */
function isIntegerType(name: string): boolean {
  return name in INTEGER_WIDTH_BITS || name === 'varint';
}

class CountAggregate implements Aggregate {
  private n = 0n;
  private readonly codec = codecFor(nativeType('bigint'));
  add(value: Uint8Array | null): void {
    if (value !== null) this.n++;
  }
  result(): Uint8Array {
    return this.codec.serialize(this.n);
  }
  reset(): void {
    this.n = 0n;
  }
}

class MinMaxAggregate implements Aggregate {
  private best: Uint8Array | null = null;
  constructor(private readonly codec: ValueCodec, private readonly sign: 1 | -1) {}
  add(value: Uint8Array | null): void {
    if (value === null || value.length === 0) return;
    if (this.best === null || this.sign * this.codec.compare(value, this.best) < 0) this.best = value;
  }
  result(): Uint8Array | null {
    return this.best;
  }
  reset(): void {
    this.best = null;
  }
}

/** Sum/avg of integers: a bigint sum, wrapped to the type's width on output (Java's overflow). */
class IntegerSumAggregate implements Aggregate {
  private sum = 0n;
  private count = 0n;
  constructor(private readonly codec: ValueCodec, private readonly bits: number | null, private readonly average: boolean) {}
  add(value: Uint8Array | null): void {
    if (value === null || value.length === 0) return;
    const v = this.codec.deserialize(value);
    if (v === null) return;
    this.sum += BigInt(v as number | bigint);
    this.count++;
  }
  result(): Uint8Array {
    let r = this.average ? (this.count === 0n ? 0n : this.sum / this.count) : this.sum;
    if (this.bits !== null) r = BigInt.asIntN(this.bits, r);
    return this.codec.serialize(this.bits !== null && this.bits <= 32 ? Number(r) : r);
  }
  reset(): void {
    this.sum = 0n;
    this.count = 0n;
  }
}

/** Sum/avg of float/double with Kahan compensation (as Cassandra 4). */
class FloatingSumAggregate implements Aggregate {
  private sum = 0;
  private compensation = 0;
  private count = 0;
  constructor(private readonly codec: ValueCodec, private readonly average: boolean) {}
  add(value: Uint8Array | null): void {
    if (value === null || value.length === 0) return;
    const v = this.codec.deserialize(value) as number;
    this.count++;
    const y = v - this.compensation;
    const t = this.sum + y;
    this.compensation = t - this.sum - y;
    this.sum = t;
  }
  result(): Uint8Array {
    const r = this.average ? (this.count === 0 ? 0 : this.sum / this.count) : this.sum;
    return this.codec.serialize(r);
  }
  reset(): void {
    this.sum = 0;
    this.compensation = 0;
    this.count = 0;
  }
}

function alignDecimal(d: CqlDecimal, scale: number): bigint {
  return d.unscaledValue * 10n ** BigInt(scale - d.scale);
}

/** Java's BigInteger division rounded HALF_EVEN. */
function divideHalfEven(n: bigint, d: bigint): bigint {
  const q = n / d;
  const r = n % d;
  const twice = (r < 0n ? -r : r) * 2n;
  if (twice < d || (twice === d && q % 2n === 0n)) return q;
  return n < 0n ? q - 1n : q + 1n;
}

class DecimalSumAggregate implements Aggregate {
  private sum: CqlDecimal = { unscaledValue: 0n, scale: 0 };
  private count = 0n;
  constructor(private readonly codec: ValueCodec, private readonly average: boolean) {}
  add(value: Uint8Array | null): void {
    if (value === null || value.length === 0) return;
    const v = this.codec.deserialize(value) as CqlDecimal;
    const scale = Math.max(v.scale, this.sum.scale);
    this.sum = { unscaledValue: alignDecimal(this.sum, scale) + alignDecimal(v, scale), scale };
    this.count++;
  }
  result(): Uint8Array {
    if (!this.average) return this.codec.serialize(this.sum);
    if (this.count === 0n) return this.codec.serialize({ unscaledValue: 0n, scale: 0 });
    return this.codec.serialize({ unscaledValue: divideHalfEven(this.sum.unscaledValue, this.count), scale: this.sum.scale });
  }
  reset(): void {
    this.sum = { unscaledValue: 0n, scale: 0 };
    this.count = 0n;
  }
}

function numericAggregate(name: string, type: CqlType, average: boolean): (() => Aggregate) | undefined {
  if (type.kind !== 'native') return undefined;
  const codec = codecFor(type);
  if (isIntegerType(type.name)) {
    const bits = INTEGER_WIDTH_BITS[type.name] ?? null;
    return () => new IntegerSumAggregate(codec, bits, average);
  }
  if (type.name === 'float' || type.name === 'double') return () => new FloatingSumAggregate(codec, average);
  if (type.name === 'decimal') return () => new DecimalSumAggregate(codec, average);
  void name;
  return undefined;
}

/** The native aggregate `name` for an argument of `argType`, or undefined when there is none for that type. */
export function aggregateFunction(name: string, argType: CqlType): AggregateFunction | undefined {
  const type = unreversedType(argType);
  switch (name) {
    case 'count':
      return { name, argType: type, resultType: nativeType('bigint'), create: () => new CountAggregate() };
    case 'min':
    case 'max': {
      const codec = codecFor(type);
      const sign = name === 'min' ? 1 : -1;
      return { name, argType: type, resultType: type, create: () => new MinMaxAggregate(codec, sign) };
    }
    case 'sum':
    case 'avg': {
      const create = numericAggregate(name, type, name === 'avg');
      return create === undefined ? undefined : { name, argType: type, resultType: type, create };
    }
    default:
      return undefined;
  }
}

/** count(*) / count(1): rows, whatever their values. */
export function countRowsAggregate(): Aggregate {
  const agg = new CountAggregate();
  const one = new Uint8Array(0);
  return { add: () => agg.add(one), result: () => agg.result(), reset: () => agg.reset() };
}
