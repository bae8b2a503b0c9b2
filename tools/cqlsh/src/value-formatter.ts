/**
 * Formats values decoded by cassandra-driver the way cqlsh prints them (cqlshlib's
 * formatting.py): text bare at the top level and quoted inside collections, blobs as 0x…,
 * timestamps `2024-01-02 03:04:05.678000+0000` (UTC), floats and doubles with 5 significant
 * digits as Python's `%g`, booleans `True`/`False`, null as `null`, collections `[…]`,
 * `{…}`, `{k: v}`, tuples `(…)`, UDTs `{field: value}`. Pure: value and type in, text out.
 */

/** A column type as cassandra-driver describes it (`result.columns[i].type`). */
export interface DriverType {
  code: number;
  info?: unknown;
}

/** cassandra-driver's type codes (the native protocol's option ids). */
export const TypeCode = {
  custom: 0x00, ascii: 0x01, bigint: 0x02, blob: 0x03, boolean: 0x04, counter: 0x05, decimal: 0x06,
  double: 0x07, float: 0x08, int: 0x09, text: 0x0a, timestamp: 0x0b, uuid: 0x0c, varchar: 0x0d,
  varint: 0x0e, timeuuid: 0x0f, inet: 0x10, date: 0x11, time: 0x12, smallint: 0x13, tinyint: 0x14,
  duration: 0x15, list: 0x20, map: 0x21, set: 0x22, udt: 0x30, tuple: 0x31,
} as const;

/** Display options (cqlsh's defaults: float and double precision 5). */
export interface FormatOptions {
  floatPrecision: number;
  doublePrecision: number;
}

export const DEFAULT_FORMAT_OPTIONS: FormatOptions = { floatPrecision: 5, doublePrecision: 5 };

interface UdtInfo {
  fields: { name: string; type: DriverType }[];
}

/** Formats one value of type `type`; `quote` is set inside collections. */
export function formatValue(value: unknown, type: DriverType, opts: FormatOptions = DEFAULT_FORMAT_OPTIONS, quote = false): string {
  if (value === null || value === undefined) return 'null';
  switch (type.code) {
    case TypeCode.ascii:
    case TypeCode.text:
    case TypeCode.varchar:
      return formatText(asText(value), quote);
    case TypeCode.blob:
      return `0x${(value as Buffer).toString('hex')}`;
    case TypeCode.boolean:
      return value === true ? 'True' : 'False';
    case TypeCode.float:
      return formatFloat(Number(value), opts.floatPrecision);
    case TypeCode.double:
      return formatFloat(Number(value), opts.doublePrecision);
    case TypeCode.timestamp: {
      const s = formatTimestamp(value as Date);
      return quote ? `'${s}'` : s;
    }
    case TypeCode.inet:
      return quote ? `'${asText(value)}'` : asText(value);
    case TypeCode.duration:
      return formatDuration(value as { months: number; days: number; nanoseconds: { toString(): string } });
    case TypeCode.list:
      return `[${(value as unknown[]).map((v) => formatValue(v, type.info as DriverType, opts, true)).join(', ')}]`;
    case TypeCode.set:
      return `{${[...(value as Iterable<unknown>)].map((v) => formatValue(v, type.info as DriverType, opts, true)).join(', ')}}`;
    case TypeCode.map:
      return formatMap(value, type.info as [DriverType, DriverType], opts);
    case TypeCode.tuple: {
      const types = type.info as DriverType[];
      const items = tupleValues(value);
      return `(${types.map((t, i) => formatValue(items[i], t, opts, true)).join(', ')})`;
    }
    case TypeCode.udt: {
      const fields = (type.info as UdtInfo).fields;
      const obj = value as Record<string, unknown>;
      return `{${fields.map((f) => `${formatText(f.name, false)}: ${formatValue(obj[f.name], f.type, opts, true)}`).join(', ')}}`;
    }
    default:
      if (Buffer.isBuffer(value)) return `0x${value.toString('hex')}`; // custom types arrive as bytes
      // ints, bigint/varint/decimal (Long, Integer, BigDecimal), uuids, date, time: their
      // own text, as Python's str() of the driver's value.
      return asText(value);
  }
}

/** A value's own text (driver types such as Long, Uuid, InetAddress print themselves). */
function asText(value: unknown): string {
  return typeof value === 'string' ? value : (value as { toString(): string }).toString();
}

function formatMap(value: unknown, [kt, vt]: [DriverType, DriverType], opts: FormatOptions): string {
  const entries: [unknown, unknown][] = value instanceof Map ? [...(value as Map<unknown, unknown>)] : Object.entries(value as object);
  return `{${entries.map(([k, v]) => `${formatValue(k, kt, opts, true)}: ${formatValue(v, vt, opts, true)}`).join(', ')}}`;
}

function tupleValues(value: unknown): unknown[] {
  const t = value as { elements?: unknown[]; values?: () => unknown[] };
  if (Array.isArray(t.elements)) return t.elements;
  if (typeof t.values === 'function') return t.values();
  return value as unknown[];
}

/**
 * Text as cqlsh shows it: backslashes doubled, control characters (and U+007F–U+00A0) as
 * Python escapes (`\n`, `\t`, `\x01`); inside collections quoted with `'` doubled.
 */
export function formatText(s: string, quote: boolean): string {
  let out = s.replace(/\\/g, '\\\\');
  if (quote) out = out.replace(/'/g, "''");
  // eslint-disable-next-line no-control-regex
  out = out.replace(/[\x00-\x1f\x7f-\xa0]/g, (ch) => {
    switch (ch) {
      case '\n': return '\\n';
      case '\t': return '\\t';
      case '\r': return '\\r';
      default: return `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
    }
  });
  return quote ? `'${out}'` : out;
}

/**
 * A float as cqlsh prints it: Python's `'%.*g' % (p, v)` where `p` grows by the number of
 * integer digits when the value is written without exponent (so 123456.7 keeps its
 * integer part); NaN, Infinity, -Infinity spelled out.
 */
export function formatFloat(v: number, precision: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
  const exponent = Math.abs(v) > Number.EPSILON ? Math.trunc(Math.log10(Math.abs(v))) : -Infinity;
  let p = precision;
  if (exponent >= -4 && exponent < precision) p = precision + exponent + 1;
  return formatG(v, p);
}

/** Python's `%.{p}g`. */
export function formatG(v: number, p: number): string {
  const prec = Math.max(1, Math.min(p, 100));
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const [mant, expText] = v.toExponential(prec - 1).split('e');
  const exp = Number(expText);
  if (exp < -4 || exp >= prec) {
    const m = stripZeros(mant!);
    return `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  return stripZeros(v.toFixed(Math.max(0, prec - 1 - exp)));
}

function stripZeros(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

/** `YYYY-MM-DD HH:MM:SS.ffffff+0000`; outside years 1..9999, milliseconds since the epoch. */
export function formatTimestamp(d: Date): string {
  const ms = d.getTime();
  const year = d.getUTCFullYear();
  if (Number.isNaN(ms) || year < 1 || year > 9999) return String(ms);
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${p(year, 4)}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${p(d.getUTCMilliseconds(), 3)}000+0000`;
}

/** A duration as cqlsh writes it: `1y2mo3d4h5m6s7ms8us9ns`, units that are zero left out. */
export function formatDuration(d: { months: number; days: number; nanoseconds: { toString(): string } }): string {
  const nanos = BigInt(d.nanoseconds.toString());
  const negative = d.months < 0 || d.days < 0 || nanos < 0n;
  const parts: string[] = [negative ? '-' : ''];
  const months = Math.abs(d.months);
  if (months >= 12) parts.push(`${Math.floor(months / 12)}y`);
  if (months % 12 !== 0) parts.push(`${months % 12}mo`);
  if (d.days !== 0) parts.push(`${Math.abs(d.days)}d`);
  let rest = nanos < 0n ? -nanos : nanos;
  for (const [unit, size] of [['h', 3_600_000_000_000n], ['m', 60_000_000_000n], ['s', 1_000_000_000n], ['ms', 1_000_000n], ['us', 1_000n], ['ns', 1n]] as const) {
    if (rest >= size) {
      parts.push(`${rest / size}${unit}`);
      rest %= size;
    }
  }
  return parts.join('');
}

/** Columns a terminal needs for `s` (East Asian wide characters take two). */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || (cp >= 0x300 && cp < 0x370) || cp === 0x200b) continue;
    w += isWide(cp) ? 2 : 1;
  }
  return w;
}

function isWide(cp: number): boolean {
  return (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) || (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1faff) || (cp >= 0x20000 && cp <= 0x3fffd);
}
