import { stringifyDumpJson } from './dump-json';
import type { DumpJson } from './dump-json';

type Obj = { readonly [key: string]: DumpJson | undefined };

/**
 * The `-d` form of one rendered partition (PartitionJsonFormatter.partition): one line in
 * the spirit of Cassandra's internal `toString`, for grepping and diffing rather than for
 * programs:
 *
 *   [key...]@<token> [del ts=… ldt=…] | Static: [cell…] | Row[info=[ts=… ttl=… exp=…] del=[…]]: ck, ck | [v=… ts=…], [m[k]=… ts=…] | RT start inclusive (ck) del=[…]
 *
 * Values are printed in their JSON form.
 */
export function partitionDebugLine(rendered: Obj): string {
  const partition = rendered.partition as Obj;
  const parts = [`${values(partition.key)}@${text(partition.token)}${partition.deletion_info === undefined ? '' : ` del=${deletion(partition.deletion_info as Obj)}`}`];
  for (const row of (rendered.rows ?? []) as readonly Obj[]) parts.push(element(row));
  return parts.join(' | ');
}

function element(row: Obj): string {
  if (row.type === 'static_block') return `Static: ${cells(row.cells)}`;
  if (row.type === 'row') {
    const info: string[] = [];
    if (row.liveness_info !== undefined) info.push(`info=${liveness(row.liveness_info as Obj)}`);
    if (row.deletion_info !== undefined) info.push(`del=${deletion(row.deletion_info as Obj)}`);
    return `Row[${info.join(' ')}]: ${values(row.clustering, ', ')} | ${cells(row.cells)}`;
  }
  const side = row.start !== undefined ? 'start' : 'end';
  const b = row[side] as Obj;
  return `RT ${side} ${text(b.type)} (${values(b.clustering, ', ')}) del=${deletion(b.deletion_info as Obj)}`;
}

function cells(list: DumpJson | undefined): string {
  return ((list ?? []) as readonly Obj[]).map(cell).join(', ') || '[]';
}

function cell(c: Obj): string {
  const path = c.path === undefined ? '' : `[${values(c.path, ', ')}]`;
  const value = c.value === undefined ? '' : `=${stringifyDumpJson(c.value, 0)}`;
  const extra = [`ts=${text(c.tstamp)}`];
  if (c.ttl !== undefined) extra.push(`ttl=${text(c.ttl)}`, `exp=${text(c.expires_at)}${c.expired === true ? ' expired' : ''}`);
  if (c.deletion_info !== undefined) extra.push(`del=${deletion(c.deletion_info as Obj)}`);
  return `[${text(c.name)}${path}${value} ${extra.join(' ')}]`;
}

function liveness(l: Obj): string {
  const out = [`ts=${text(l.tstamp)}`];
  if (l.ttl !== undefined) out.push(`ttl=${text(l.ttl)}`, `exp=${text(l.expires_at)}${l.expired === true ? ' expired' : ''}`);
  return `[${out.join(' ')}]`;
}

function deletion(d: Obj): string {
  const out: string[] = [];
  if (d.marked_deleted !== undefined) out.push(`ts=${text(d.marked_deleted)}`);
  out.push(`ldt=${text(d.local_delete_time)}`);
  return `[${out.join(' ')}]`;
}

function values(list: DumpJson | undefined, sep = ':'): string {
  const items = ((list ?? []) as readonly DumpJson[]).map((v) => (typeof v === 'string' ? v : stringifyDumpJson(v, 0)));
  return sep === ':' ? `[${items.join(sep)}]` : items.join(sep);
}

/** A scalar as text (strings without quotes), anything else in its one-line JSON form. */
function text(v: DumpJson | undefined): string {
  if (v === undefined) return '';
  return typeof v === 'string' ? v : stringifyDumpJson(v, 0);
}
