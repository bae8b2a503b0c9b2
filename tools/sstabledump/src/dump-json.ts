/**
 * The JSON the dump prints. `bigint` is printed as an exact integer (timestamps in
 * microseconds do not fit a double in general, and JSON numbers have no size limit);
 * consumers that need every digit should read them as big integers. Properties whose
 * value is `undefined` are left out, as JSON.stringify does.
 */
export type DumpJson = null | boolean | number | bigint | string | readonly DumpJson[] | { readonly [key: string]: DumpJson | undefined };

/**
 * Serializes `value`. `indent` > 0 pretty-prints (arrays of scalars stay on one line, as
 * Cassandra's sstabledump prints keys and clusterings); 0 prints one line.
 */
export function stringifyDumpJson(value: DumpJson, indent: number, depth = 0): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      // NaN and ±Infinity have no JSON form; the value converters already turned them into strings.
      return Number.isFinite(value) ? JSON.stringify(value) : JSON.stringify(String(value));
    case 'bigint':
      return value.toString();
    case 'string':
      return JSON.stringify(value);
    default:
      break;
  }
  const pad = indent > 0 ? `\n${' '.repeat(indent * (depth + 1))}` : '';
  const close = indent > 0 ? `\n${' '.repeat(indent * depth)}` : '';
  const sep = indent > 0 ? ': ' : ':';
  if (Array.isArray(value)) {
    const items = (value as readonly DumpJson[]).map((v) => stringifyDumpJson(v, indent, depth + 1));
    if (items.length === 0) return '[]';
    if (indent === 0 || (value as readonly DumpJson[]).every(isScalar)) return `[${items.join(indent > 0 ? ', ' : ',')}]`;
    return `[${pad}${items.join(`,${pad}`)}${close}]`;
  }
  const entries = Object.entries(value as { [key: string]: DumpJson | undefined })
    .filter((e): e is [string, DumpJson] => e[1] !== undefined)
    .map(([k, v]) => `${JSON.stringify(k)}${sep}${stringifyDumpJson(v, indent, depth + 1)}`);
  if (entries.length === 0) return '{}';
  return `{${pad}${entries.join(`,${pad}`)}${close}}`;
}

function isScalar(v: DumpJson): boolean {
  return v === null || typeof v !== 'object';
}
