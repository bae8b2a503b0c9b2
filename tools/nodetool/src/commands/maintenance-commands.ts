import type { CompactionJson, TableStatsJson } from '../api-types';
import { alignColumns } from '../format';
import { usageError } from '../nodetool-error';
import type { Command, CommandContext } from './command';

/** How often `compact` on a terminal polls the running compactions for its progress line. */
export const PROGRESS_POLL_MS = 500;

/** `[<keyspace> <tables>...]`: every keyspace (one call without a keyspace) or one keyspace's tables. */
function keyspaceAndTables(ctx: CommandContext): { keyspace: string | null; tables: string[] } {
  const [keyspace, ...tables] = ctx.parsed.args;
  return { keyspace: keyspace ?? null, tables };
}

const encode = encodeURIComponent;

/** A command without arguments that is one call of the admin API. */
function oneCallCommand(name: string, summary: string, method: 'post' | 'delete', path: string, options: Command['options'] = []): Command {
  return {
    name,
    synopsis: '',
    summary,
    options,
    minArgs: 0,
    maxArgs: 0,
    async run(ctx) {
      await (method === 'post' ? ctx.client.post(path) : ctx.client.delete(path));
    },
  };
}

export const flushCommand: Command = {
  name: 'flush',
  synopsis: '[<keyspace> <tables>...]',
  summary: 'Flush one or more tables',
  options: [],
  minArgs: 0,
  maxArgs: Infinity,
  async run(ctx) {
    const { keyspace, tables } = keyspaceAndTables(ctx);
    if (keyspace === null) await ctx.client.post('/storage_service/flush');
    else await ctx.client.post(`/storage_service/keyspace_flush/${encode(keyspace)}`, { cf: tables.length > 0 ? tables : undefined });
  },
};

/** The progress line of the compactions running now: `compacting ks.t: 40% (400/1000 partitions)`. */
export function progressLine(compactions: readonly CompactionJson[]): string {
  if (compactions.length === 0) return 'compacting...';
  return compactions
    .map((c) => {
      const pct = c.total > 0 ? Math.min(100, Math.floor((c.completed / c.total) * 100)) : 0;
      return `compacting ${c.ks}.${c.cf}: ${pct}% (${c.completed}/${c.total} ${c.unit})`;
    })
    .join('; ');
}

export const compactCommand: Command = {
  name: 'compact',
  synopsis: '[(-s | --split-output)] [<keyspace> <tables>...]',
  summary: 'Force a (major) compaction on one or more tables; on a terminal, shows progress',
  options: [{ names: ['-s', '--split-output'], key: 'split', takesValue: false, help: 'Not supported: major compactions write one SSTable per shard' }],
  minArgs: 0,
  maxArgs: Infinity,
  async run(ctx) {
    if (ctx.parsed.options.has('split')) throw usageError('--split-output is not supported by Charybdis', 'compact');
    const { keyspace, tables } = keyspaceAndTables(ctx);
    // Cassandra's compact does not flush first; ScyllaDB's API does by default: keep Cassandra's behaviour.
    const done =
      keyspace === null
        ? ctx.client.post('/storage_service/compact', { flush_memtables: 'false' })
        : ctx.client.post(`/storage_service/keyspace_compaction/${encode(keyspace)}`, { cf: tables.length > 0 ? tables : undefined, flush_memtables: 'false' });
    if (!ctx.io.isTTY) {
      await done;
      return;
    }
    await withProgress(ctx, done);
  },
};

/** Shows a progress line (rewritten in place) until `done` settles, then clears it. */
async function withProgress(ctx: CommandContext, done: Promise<unknown>): Promise<void> {
  let finished = false;
  let shown = 0;
  const show = (text: string): void => {
    ctx.io.stdout.write(`\r${text.padEnd(shown)}`);
    shown = text.length;
  };
  const poll = async (): Promise<void> => {
    while (!finished) {
      try {
        const running = await ctx.client.get<CompactionJson[]>('/compaction_manager/compactions');
        if (!finished) show(progressLine(running));
      } catch {
        // Progress is a courtesy: a failed poll must not hide the compaction's own outcome.
      }
      await new Promise((resolve) => setTimeout(resolve, PROGRESS_POLL_MS));
    }
  };
  const polling = poll();
  try {
    await done;
  } finally {
    finished = true;
    await polling;
    if (shown > 0) ctx.io.stdout.write(`\r${' '.repeat(shown)}\r`);
  }
}

export const cleanupCommand: Command = {
  name: 'cleanup',
  synopsis: '[(-j <jobs> | --jobs <jobs>)] [<keyspace> <tables>...]',
  summary: 'Triggers the immediate cleanup of keys no longer belonging to a node (one node owns them all: nothing to do)',
  options: [{ names: ['-j', '--jobs'], key: 'jobs', takesValue: true, help: 'Number of tables to clean up at once (ignored)' }],
  minArgs: 0,
  maxArgs: Infinity,
  async run(ctx) {
    const { keyspace, tables } = keyspaceAndTables(ctx);
    const keyspaces = keyspace !== null ? [keyspace] : await ctx.client.get<string[]>('/storage_service/keyspaces', { type: 'non_local_strategy' });
    for (const ks of keyspaces) await ctx.client.post(`/storage_service/keyspace_cleanup/${encode(ks)}`, { cf: tables.length > 0 ? tables : undefined });
  },
};

export const decommissionCommand = oneCallCommand(
  'decommission',
  'Decommission the *node I am connecting to* (a single node cannot be: it says so)',
  'post',
  '/storage_service/decommission',
  [{ names: ['-f', '--force'], key: 'force', takesValue: false, help: 'Force decommission of this node even when it reduces the number of replicas to below configured RF' }],
);

export const drainCommand = oneCallCommand('drain', 'Drain the node (stop accepting writes and flush all tables)', 'post', '/storage_service/drain');

export const setTraceProbabilityCommand: Command = {
  name: 'settraceprobability',
  synopsis: '<value>',
  summary: 'Sets the probability for tracing any given request to value. 0 disables, 1 enables for all requests, 0 is the default (Charybdis: only 0, tracing is not supported)',
  options: [],
  minArgs: 1,
  maxArgs: 1,
  async run(ctx) {
    const raw = ctx.parsed.args[0]!;
    const p = Number(raw);
    if (raw.trim() === '' || !(p >= 0 && p <= 1)) throw usageError(`Trace probability must be between 0 and 1, not '${raw}'`, 'settraceprobability');
    await ctx.client.post('/storage_service/trace_probability', { probability: raw });
  },
};

export const getTraceProbabilityCommand: Command = {
  name: 'gettraceprobability',
  synopsis: '',
  summary: 'Print the current trace probability value (always 0: tracing is not supported)',
  options: [],
  minArgs: 0,
  maxArgs: 0,
  async run(ctx) {
    const p = await ctx.client.get<number>('/storage_service/trace_probability');
    ctx.out(`Current trace probability: ${Number.isInteger(p) ? p.toFixed(1) : p}`);
  },
};

export const statusGossipCommand: Command = {
  name: 'statusgossip',
  synopsis: '',
  summary: 'Status of gossip (not running: one node, gossip is not wired into the server yet)',
  options: [],
  minArgs: 0,
  maxArgs: 0,
  async run(ctx) {
    ctx.out((await ctx.client.get<boolean>('/storage_service/gossiping')) ? 'running' : 'not running');
  },
};

function autoCompactionCommand(enable: boolean): Command {
  return {
    name: enable ? 'enableautocompaction' : 'disableautocompaction',
    synopsis: '[<keyspace> <tables>...]',
    summary: `${enable ? 'Enable' : 'Disable'} autocompaction for the given keyspace and table`,
    options: [],
    minArgs: 0,
    maxArgs: Infinity,
    async run(ctx) {
      const { keyspace, tables } = keyspaceAndTables(ctx);
      const keyspaces = keyspace !== null ? [keyspace] : await ctx.client.get<string[]>('/storage_service/keyspaces');
      for (const ks of keyspaces) {
        const path = `/storage_service/auto_compaction/${encode(ks)}`;
        const query = { cf: tables.length > 0 ? tables : undefined };
        if (enable) await ctx.client.post(path, query);
        else await ctx.client.delete(path, query);
      }
    },
  };
}

export const enableAutoCompactionCommand = autoCompactionCommand(true);
export const disableAutoCompactionCommand = autoCompactionCommand(false);

export const compactionStatsCommand: Command = {
  name: 'compactionstats',
  synopsis: '',
  summary: 'Print statistics on compactions',
  options: [{ names: ['-H', '--human-readable'], key: 'human', takesValue: false, help: 'Accepted for compatibility (units are partitions)' }],
  minArgs: 0,
  maxArgs: 0,
  async run(ctx) {
    const [running, tables] = await Promise.all([
      ctx.client.get<CompactionJson[]>('/compaction_manager/compactions'),
      ctx.client.get<TableStatsJson[]>('/charybdis/table_stats'),
    ]);
    ctx.out(`pending tasks: ${tables.reduce((n, t) => n + t.pending_compactions, 0)}`);
    if (running.length === 0) return;
    const rows = [['id', 'compaction type', 'keyspace', 'table', 'completed', 'total', 'unit', 'progress']];
    for (const c of running) {
      const pct = c.total > 0 ? `${((c.completed / c.total) * 100).toFixed(2)}%` : 'n/a';
      rows.push([c.id, c.task_type, c.ks, c.cf, String(c.completed), String(c.total), c.unit, pct]);
    }
    for (const line of alignColumns(rows)) ctx.out(line);
    ctx.out('Active compaction remaining time :        n/a');
  },
};

export const disableBinaryCommand = oneCallCommand(
  'disablebinary',
  'Disable native transport (binary protocol): the CQL ports close and clients are disconnected',
  'delete',
  '/storage_service/native_transport',
);

export const enableBinaryCommand = oneCallCommand('enablebinary', 'Reenable native transport (binary protocol)', 'post', '/storage_service/native_transport');

export const statusBinaryCommand: Command = {
  name: 'statusbinary',
  synopsis: '',
  summary: 'Status of native transport (binary protocol)',
  options: [],
  minArgs: 0,
  maxArgs: 0,
  async run(ctx) {
    ctx.out((await ctx.client.get<boolean>('/storage_service/native_transport')) ? 'running' : 'not running');
  },
};
