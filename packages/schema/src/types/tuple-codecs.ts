import { cqlTypeToString } from './cql-type';
import type { TupleType, UdtType } from './cql-type';
import { asBuffer, compareEmptyFirst, describeValue } from './codec-support';
import { invalidValueError } from './invalid-value-error';
import type { CqlValue, ValueCodec } from './value-codec';

/**
 * Tuples and UDT values share one encoding: each component in order as an int32 length
 * and its bytes, a negative length meaning null. A value may have fewer components than
 * the type (fields added to a UDT later, or a shorter tuple): the missing trailing ones
 * are null. It may not have more.
 */

/** Splits a tuple/UDT value into components (views; null for null components). */
export function splitComponents(typeName: string, bytes: Uint8Array, maxComponents: number): (Uint8Array | null)[] {
  const buf = asBuffer(bytes);
  const parts: (Uint8Array | null)[] = [];
  let offset = 0;
  while (offset < buf.length) {
    if (parts.length >= maxComponents) {
      throw invalidValueError(typeName, `more than ${maxComponents} components (${buf.length - offset} bytes left after the last one)`);
    }
    if (offset + 4 > buf.length) throw invalidValueError(typeName, `truncated length of component ${parts.length}`);
    const length = buf.readInt32BE(offset);
    offset += 4;
    if (length < 0) {
      parts.push(null);
      continue;
    }
    if (offset + length > buf.length) {
      throw invalidValueError(typeName, `component ${parts.length} has length ${length} but only ${buf.length - offset} bytes remain`);
    }
    parts.push(buf.subarray(offset, offset + length));
    offset += length;
  }
  return parts;
}

function joinComponents(parts: readonly (Uint8Array | null)[]): Buffer {
  let size = 0;
  for (const p of parts) size += 4 + (p === null ? 0 : p.length);
  const out = Buffer.alloc(size);
  let offset = 0;
  for (const p of parts) {
    out.writeInt32BE(p === null ? -1 : p.length, offset);
    offset += 4;
    if (p !== null) {
      out.set(p, offset);
      offset += p.length;
    }
  }
  return out;
}

/**
 * Cassandra's TupleType order (UserType inherits it): component by component, a null
 * before any value; when one side runs out, the other is greater only if it still has a
 * non-empty component.
 */
function compareComponents(typeName: string, components: readonly ValueCodec[], a: Uint8Array, b: Uint8Array): number {
  const e = compareEmptyFirst(a, b);
  if (e !== undefined) return e;
  const xs = splitComponents(typeName, a, components.length);
  const ys = splitComponents(typeName, b, components.length);
  const n = Math.min(xs.length, ys.length);
  for (let i = 0; i < n; i++) {
    const x = xs[i]!;
    const y = ys[i]!;
    if (x === null || y === null) {
      if (x === y) continue;
      return x === null ? -1 : 1;
    }
    const c = components[i]!.compare(x, y);
    if (c !== 0) return c;
  }
  // Trailing components only one side has count only when they hold a value: a null or
  // empty one is what a value written before ALTER TYPE … ADD lacks (Cassandra's TupleType
  // skips trailing sizes <= 0 the same way).
  for (let i = n; i < xs.length; i++) if ((xs[i]?.length ?? 0) > 0) return 1;
  for (let i = n; i < ys.length; i++) if ((ys[i]?.length ?? 0) > 0) return -1;
  return 0;
}

function validateComponents(typeName: string, components: readonly ValueCodec[], bytes: Uint8Array): void {
  splitComponents(typeName, bytes, components.length).forEach((p, i) => {
    if (p !== null) components[i]!.validate(p);
  });
}

function serializeComponent(codec: ValueCodec, value: CqlValue | undefined): Uint8Array | null {
  return value === null || value === undefined ? null : codec.serialize(value);
}

/** `tuple<...>`: JS array, null for null components; always as many as the type has. */
export function tupleCodec(type: TupleType, components: readonly ValueCodec[]): ValueCodec<readonly CqlValue[]> {
  const name = cqlTypeToString(type);
  return {
    type,
    serialize(value: readonly CqlValue[]): Buffer {
      if (!Array.isArray(value)) throw invalidValueError(name, `expected an array, got ${describeValue(value)}`);
      if (value.length > components.length) {
        throw invalidValueError(name, `${value.length} components for a tuple of ${components.length}`);
      }
      return joinComponents(components.map((c, i) => serializeComponent(c, value[i] as CqlValue | undefined)));
    },
    deserialize(bytes: Uint8Array): CqlValue[] {
      const parts = splitComponents(name, bytes, components.length);
      return components.map((c, i) => {
        const p = parts[i];
        return p === undefined || p === null ? null : c.deserialize(p);
      });
    },
    validate: (bytes) => validateComponents(name, components, bytes),
    compare: (a, b) => compareComponents(name, components, a, b),
  };
}

/** A UDT value: JS object with one property per field (null for null or missing fields). */
export function udtCodec(type: UdtType, fields: readonly ValueCodec[]): ValueCodec<{ readonly [field: string]: CqlValue }> {
  const name = cqlTypeToString(type);
  const fieldNames = new Set(type.fields.map((f) => f.name));
  return {
    type,
    serialize(value: { readonly [field: string]: CqlValue }): Buffer {
      if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Map) {
        throw invalidValueError(name, `expected an object with the UDT's fields, got ${describeValue(value)}`);
      }
      for (const key of Object.keys(value)) {
        if (!fieldNames.has(key)) throw invalidValueError(name, `unknown field '${key}'`);
      }
      return joinComponents(
        type.fields.map((f, i) =>
          serializeComponent(fields[i]!, Object.prototype.hasOwnProperty.call(value, f.name) ? value[f.name] : null),
        ),
      );
    },
    deserialize(bytes: Uint8Array): { [field: string]: CqlValue } {
      const parts = splitComponents(name, bytes, fields.length);
      const out: { [field: string]: CqlValue } = Object.create(null) as { [field: string]: CqlValue };
      type.fields.forEach((f, i) => {
        const p = parts[i];
        out[f.name] = p === undefined || p === null ? null : fields[i]!.deserialize(p);
      });
      return out;
    },
    validate: (bytes) => validateComponents(name, fields, bytes),
    compare: (a, b) => compareComponents(name, fields, a, b),
  };
}
