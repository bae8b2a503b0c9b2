/**
 * DESCRIBE / DESC: parses what to describe, reads the schema rows through the driver and
 * returns the lines to print (CQL from @charybdis/schema's describer, or lists of names).
 */
import type { Client } from 'cassandra-driver';
import {
  DESCRIBE_SKIPPED_KEYSPACES,
  describeIndex,
  describeKeyspaceFull,
  describeTableWithIndexes,
  describeType,
  orderTypes,
  parseQualifiedName,
  quoteIdentifier,
} from '@charybdis/schema';
import type { KeyspaceSchema } from '@charybdis/schema';
import { ShellError } from '../shell-error';
import { readKeyspace, readKeyspaceNames } from './schema-reader';

/** What DESCRIBE needs from the shell. */
export interface DescribeContext {
  client: Client;
  clusterName: string;
  keyspace: string | undefined;
}

async function keyspaceOrFail(ctx: DescribeContext, name: string | undefined): Promise<KeyspaceSchema> {
  const ks = name ?? ctx.keyspace;
  if (ks === undefined) throw new ShellError('Not in any keyspace.');
  const schema = await readKeyspace(ctx.client, ks);
  if (schema === undefined) throw new ShellError(`Keyspace '${ks}' not found.`);
  return schema;
}

/** Names in columns separated by two spaces, wrapped at 80 columns (cqlsh's layout). */
function columnize(names: string[]): string[] {
  const lines: string[] = [];
  let line = '';
  for (const n of names) {
    if (line !== '' && line.length + 2 + n.length > 80) {
      lines.push(line);
      line = '';
    }
    line = line === '' ? n : `${line}  ${n}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}

async function listPerKeyspace(ctx: DescribeContext, pick: (s: KeyspaceSchema) => string[]): Promise<string[]> {
  if (ctx.keyspace !== undefined) return ['', ...columnize(pick(await keyspaceOrFail(ctx, undefined))), ''];
  const out: string[] = [''];
  for (const name of await readKeyspaceNames(ctx.client)) {
    const schema = await readKeyspace(ctx.client, name);
    if (schema === undefined) continue;
    out.push(`Keyspace ${quoteIdentifier(name)}`, '-'.repeat(`Keyspace ${quoteIdentifier(name)}`.length), ...columnize(pick(schema)), '');
  }
  return out;
}

function cql(text: string): string[] {
  return ['', ...text.split('\n'), ''];
}

async function describeObject(ctx: DescribeContext, what: 'table' | 'type' | 'index', nameText: string): Promise<string[]> {
  const q = parseQualifiedName(nameText);
  if (q === undefined) throw new ShellError(`Improper DESCRIBE command: bad ${what} name '${nameText}'.`);
  const schema = await keyspaceOrFail(ctx, q.keyspace);
  const ks = schema.keyspace.keyspace_name;
  if (what === 'table') {
    const t = schema.tables.find((x) => x.table_name === q.name);
    if (t === undefined) throw new ShellError(`Table '${q.name}' not found in keyspace '${ks}'.`);
    return cql(describeTableWithIndexes(schema, t).join('\n\n'));
  }
  if (what === 'type') {
    const t = schema.types.find((x) => x.type_name === q.name);
    if (t === undefined) throw new ShellError(`User type '${q.name}' not found in keyspace '${ks}'.`);
    return cql(describeType(t));
  }
  const i = schema.indexes.find((x) => x.index_name === q.name);
  if (i === undefined) throw new ShellError(`Index '${q.name}' not found in keyspace '${ks}'.`);
  return cql(describeIndex(i));
}

/** Runs `DESCRIBE <args>` (args without the command word); returns the lines to print. */
export async function runDescribe(ctx: DescribeContext, args: string): Promise<string[]> {
  const text = args.trim().replace(/;$/, '').trim();
  const m = /^(\S+)\s*(.*)$/s.exec(text);
  if (m === null) throw new ShellError('Improper DESCRIBE command.');
  const word = m[1]!.toLowerCase();
  const rest = m[2]!.trim();
  switch (word) {
    case 'cluster':
      if (rest !== '') break;
      return ['', `Cluster: ${ctx.clusterName}`, 'Partitioner: Murmur3Partitioner', ''];
    case 'keyspaces':
      if (rest !== '') break;
      return ['', ...columnize((await readKeyspaceNames(ctx.client)).map(quoteIdentifier)), ''];
    case 'keyspace':
      return cql(describeKeyspaceFull(await keyspaceOrFail(ctx, rest === '' ? undefined : parseQualifiedName(rest)?.name ?? rest)));
    case 'tables':
    case 'columnfamilies':
      if (rest !== '') break;
      return listPerKeyspace(ctx, (s) => s.tables.map((t) => quoteIdentifier(t.table_name)).sort());
    case 'types':
      if (rest !== '') break;
      return listPerKeyspace(ctx, (s) => orderTypes(s.types).map((t) => quoteIdentifier(t.type_name)).sort());
    case 'table':
    case 'columnfamily':
      if (rest === '') break;
      return describeObject(ctx, 'table', rest);
    case 'type':
      if (rest === '') break;
      return describeObject(ctx, 'type', rest);
    case 'index':
      if (rest === '') break;
      return describeObject(ctx, 'index', rest);
    case 'full':
    case 'schema': {
      if (word === 'full' && rest.toLowerCase() !== 'schema') break;
      if (word === 'schema' && rest !== '') break;
      const out: string[] = [];
      for (const name of await readKeyspaceNames(ctx.client)) {
        if (word === 'schema' && DESCRIBE_SKIPPED_KEYSPACES.has(name)) continue;
        const schema = await readKeyspace(ctx.client, name);
        if (schema !== undefined) out.push(...cql(describeKeyspaceFull(schema)));
      }
      return out.length > 0 ? out : [''];
    }
    default:
      if (rest === '') return describeName(ctx, m[1]!);
  }
  throw new ShellError('Improper DESCRIBE command.');
}

/** `DESCRIBE name`: a keyspace, else a table of the current keyspace (or `ks.t`). */
async function describeName(ctx: DescribeContext, nameText: string): Promise<string[]> {
  const q = parseQualifiedName(nameText);
  if (q === undefined) throw new ShellError('Improper DESCRIBE command.');
  if (q.keyspace === undefined) {
    const ks = await readKeyspace(ctx.client, q.name);
    if (ks !== undefined) return cql(describeKeyspaceFull(ks));
    if (ctx.keyspace === undefined) throw new ShellError(`'${q.name}' not found in keyspaces`);
  }
  return describeObject(ctx, 'table', nameText);
}
