import type { CqlDecimal, CqlDuration } from '@charybdis/schema';

/**
 * How Cassandra prints values as text (its serializers' `toString`, used by CAST to text
 * and by JSON): Java's number formats, ISO-like dates and times, durations in units.
 */

/** Java's `Double.toString`: "1.0", "1.5E10", "1.0E-5", "NaN", "Infinity". */
export function javaDoubleToString(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(v);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(v);
    return s.includes('.') || s.includes('e') ? s : `${s}.0`;
  }
  return scientific(v.toExponential());
}

/** Java's `Float.toString` of a float value (the shortest digits that read back as the same float). */
export function javaFloatToString(v: number): string {
  if (!Number.isFinite(v) || v === 0) return javaDoubleToString(v);
  let shortest = v;
  for (let p = 1; p <= 9; p++) {
    const candidate = Number(v.toPrecision(p));
    if (Math.fround(candidate) === v) {
      shortest = candidate;
      break;
    }
  }
  const abs = Math.abs(shortest);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(shortest);
    return s.includes('.') || s.includes('e') ? s : `${s}.0`;
  }
  return scientific(shortest.toExponential());
}

function scientific(jsExp: string): string {
  const [mantissa, exp] = jsExp.split('e') as [string, string];
  const m = mantissa.includes('.') ? mantissa : `${mantissa}.0`;
  return `${m}E${exp.startsWith('+') ? exp.slice(1) : exp}`;
}

/** Java's `BigDecimal.toString`. */
export function decimalToString(d: CqlDecimal): string {
  const negative = d.unscaledValue < 0n;
  const digits = (negative ? -d.unscaledValue : d.unscaledValue).toString();
  const sign = negative ? '-' : '';
  const adjusted = -d.scale + (digits.length - 1);
  if (d.scale >= 0 && adjusted >= -6) {
    if (d.scale === 0) return sign + digits;
    const padded = digits.padStart(d.scale + 1, '0');
    return `${sign}${padded.slice(0, padded.length - d.scale)}.${padded.slice(padded.length - d.scale)}`;
  }
  const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${sign}${mantissa}E${adjusted >= 0 ? '+' : ''}${adjusted}`;
}

function pad(n: number | bigint, width: number): string {
  return n.toString().padStart(width, '0');
}

/** A timestamp in ms as Cassandra's JSON format: "2011-02-03 04:05:00.000Z" (UTC). */
export function timestampToJsonText(ms: number): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return String(ms);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)} ${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}.${pad(d.getUTCMilliseconds(), 3)}Z`;
}

/** A timestamp in ms as Cassandra's TimestampSerializer.toString: "2011-02-03T04:05:00.000Z". */
export function timestampToText(ms: number): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return String(ms);
  return d.toISOString();
}

/** Days since the epoch as "YYYY-MM-DD". */
export function dateToText(days: number): string {
  const d = new Date(days * 86_400_000);
  if (Number.isNaN(d.getTime())) return String(days);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`;
}

/** Nanoseconds since midnight as "HH:MM:SS.nnnnnnnnn". */
export function timeToText(ns: bigint): string {
  const h = ns / 3_600_000_000_000n;
  const m = (ns / 60_000_000_000n) % 60n;
  const s = (ns / 1_000_000_000n) % 60n;
  return `${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}.${pad(ns % 1_000_000_000n, 9)}`;
}

const DURATION_UNITS: readonly [bigint, string][] = [
  [3_600_000_000_000n, 'h'],
  [60_000_000_000n, 'm'],
  [1_000_000_000n, 's'],
  [1_000_000n, 'ms'],
  [1_000n, 'us'],
  [1n, 'ns'],
];

/** Cassandra's Duration.toString: "1y2mo3d4h5m6s7ms8us9ns", "-1d", "0". */
export function durationToText(d: CqlDuration): string {
  const negative = d.months < 0 || d.days < 0 || d.nanoseconds < 0n;
  let months = Math.abs(d.months);
  let out = negative ? '-' : '';
  if (months >= 12) out += `${Math.floor(months / 12)}y`;
  months %= 12;
  if (months > 0) out += `${months}mo`;
  if (d.days !== 0) out += `${Math.abs(d.days)}d`;
  let ns = d.nanoseconds < 0n ? -d.nanoseconds : d.nanoseconds;
  for (const [size, unit] of DURATION_UNITS) {
    if (ns >= size) {
      out += `${ns / size}${unit}`;
      ns %= size;
    }
  }
  return out === '' || out === '-' ? '0' : out;
}
