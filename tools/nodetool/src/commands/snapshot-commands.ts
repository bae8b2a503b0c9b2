import type { Mapper, SnapshotJson } from '../api-types';
import { alignColumns, fileSize } from '../format';
import { usageError } from '../nodetool-error';
import type { Command } from './command';

export const snapshotCommand: Command = {
  name: 'snapshot',
  synopsis: '[(-t <tag> | --tag <tag>)] [(-cf <table> | --column-family <table> | --table <table>)] [(-kt <ktlist> | --kt-list <ktlist>)] [(-sf | --skip-flush)] [--ttl <duration>] [<keyspaces...>]',
  summary: 'Take a snapshot of specified keyspaces or a snapshot of the specified table',
  options: [
    { names: ['-t', '--tag'], key: 'tag', takesValue: true, help: 'The name of the snapshot (default: the time in ms)' },
    { names: ['-cf', '--column-family', '--table'], key: 'table', takesValue: true, help: 'The table name (you must specify one and only one keyspace for using this option)' },
    { names: ['-kt', '--kt-list', '-kc', '--kc.list'], key: 'ktlist', takesValue: true, help: 'The list of keyspace.table to take snapshot (you must not specify only keyspace)' },
    { names: ['-sf', '--skip-flush'], key: 'skipFlush', takesValue: false, help: 'Do not flush memtables before snapshotting (snapshot will not contain unflushed data)' },
    { names: ['--ttl'], key: 'ttl', takesValue: true, help: 'Remove the snapshot after this time (e.g. 60s, 5m, 2h, 1d; at least 1 minute)' },
  ],
  minArgs: 0,
  maxArgs: Infinity,
  async run(ctx) {
    const { options, args } = ctx.parsed;
    const tag = options.get('tag') ?? String(Date.now());
    const table = options.get('table');
    const ktlist = options.get('ktlist');
    const skipFlush = options.has('skipFlush');
    const ttl = options.get('ttl');
    if (table !== undefined && args.length !== 1) throw usageError('When specifying the table for a snapshot, you must specify one and only one keyspace', 'snapshot');
    if (ktlist !== undefined && args.length > 0) throw usageError('When specifying the Keyspace table list (using -kt,--kt-list,-kc,--kc.list), you must not also specify keyspaces to snapshot', 'snapshot');
    const what = ktlist !== undefined ? `[${ktlist}]` : args.length > 0 ? `[${args.join(', ')}]` : '[all keyspaces]';
    ctx.out(`Requested creating snapshot(s) for ${what} with snapshot name [${tag}] and options {skipFlush=${skipFlush}${ttl !== undefined ? `, ttl=${ttl}` : ''}}`);
    const sf = skipFlush ? 'true' : 'false';
    if (ktlist !== undefined) {
      // One call per keyspace.table (the tag must be new for each table, not for the node).
      for (const kt of ktlist.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
        const dot = kt.indexOf('.');
        if (dot <= 0 || dot === kt.length - 1) throw usageError(`'${kt}' is not keyspace.table`, 'snapshot');
        await ctx.client.post('/storage_service/snapshots', { tag, kn: kt.slice(0, dot), cf: kt.slice(dot + 1), sf, ttl });
      }
    } else {
      await ctx.client.post('/storage_service/snapshots', { tag, kn: args.length > 0 ? args : undefined, cf: table, sf, ttl });
    }
    ctx.out(`Snapshot directory: ${tag}`);
  },
};

export const clearSnapshotCommand: Command = {
  name: 'clearsnapshot',
  synopsis: '[(-t <snapshot_name> | --tag <snapshot_name>)] [--all] [<keyspaces>...]',
  summary: 'Remove the snapshot with the given name from the given keyspaces',
  options: [
    { names: ['-t', '--tag'], key: 'tag', takesValue: true, help: 'Remove the snapshot with a given name' },
    { names: ['--all'], key: 'all', takesValue: false, help: 'Removes all snapshots' },
  ],
  minArgs: 0,
  maxArgs: Infinity,
  async run(ctx) {
    const { options, args } = ctx.parsed;
    const tag = options.get('tag');
    const all = options.has('all');
    if (tag === undefined && !all) throw usageError('Specify snapshot name or --all', 'clearsnapshot');
    if (tag !== undefined && all) throw usageError('Specify only one of snapshot name or --all', 'clearsnapshot');
    const what = args.length > 0 ? `[${args.join(', ')}]` : '[all keyspaces]';
    ctx.out(`Requested clearing snapshot(s) for ${what} with ${all ? '[all snapshots]' : `snapshot name [${tag}]`}`);
    await ctx.client.delete('/storage_service/snapshots', { tag, kn: args.length > 0 ? args : undefined });
  },
};

export const listSnapshotsCommand: Command = {
  name: 'listsnapshots',
  synopsis: '',
  summary: 'Lists all the snapshots along with the size on disk and true size',
  options: [],
  minArgs: 0,
  maxArgs: 0,
  async run(ctx) {
    const snapshots = await ctx.client.get<Mapper<SnapshotJson[]>[]>('/storage_service/snapshots');
    ctx.out('Snapshot Details: ');
    if (snapshots.length === 0) {
      ctx.out('There are no snapshots');
      return;
    }
    // Cassandra 4.1's columns; the expiration time only for snapshots with a TTL.
    const rows = [['Snapshot name', 'Keyspace name', 'Column family name', 'True size', 'Size on disk', 'Creation time', 'Expiration time']];
    const iso = (seconds: number): string => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
    let trueBytes = 0;
    for (const s of snapshots) {
      for (const d of s.value) {
        rows.push([s.key, d.ks, d.cf, fileSize(d.live), fileSize(d.total), iso(d.created_at), d.expires_at === null ? '' : iso(d.expires_at)]);
        trueBytes += d.live;
      }
    }
    for (const line of alignColumns(rows, 1)) ctx.out(line);
    ctx.out();
    ctx.out(`Total TrueDiskSpaceUsed: ${fileSize(trueBytes)}`);
    ctx.out();
  },
};
