import type { Mapper, TokenRangeJson } from '../api-types';
import { alignColumns, fileSize, percent } from '../format';
import type { Command, CommandContext } from './command';

/** Everything status, info and ring print about the node (one node until gossip reaches the server). */
interface NodeSummary {
  address: string;
  hostId: string;
  tokens: string[];
  loadBytes: number;
  owns: number;
  dataCenter: string;
  rack: string;
  mode: string;
  nativeTransport: boolean;
}

async function nodeSummary(ctx: CommandContext): Promise<NodeSummary> {
  const c = ctx.client;
  const [hostIds, tokens, loadBytes, ownership, dataCenter, rack, mode, nativeTransport] = await Promise.all([
    c.get<Mapper<string>[]>('/storage_service/host_id'),
    c.get<string[]>('/storage_service/tokens'),
    c.get<number>('/storage_service/load'),
    c.get<Mapper<number>[]>('/storage_service/ownership'),
    c.get<string>('/snitch/datacenter'),
    c.get<string>('/snitch/rack'),
    c.get<string>('/storage_service/operation_mode'),
    c.get<boolean>('/storage_service/native_transport'),
  ]);
  const self = hostIds[0]!;
  return {
    address: self.key,
    hostId: self.value,
    tokens,
    loadBytes,
    owns: ownership.find((o) => o.key === self.key)?.value ?? 0,
    dataCenter,
    rack,
    mode,
    nativeTransport,
  };
}

/** Cassandra's state letter: N normal, L leaving, J joining, M moving (a drained node is still Normal). */
function stateLetter(mode: string): string {
  return mode === 'LEAVING' || mode === 'DECOMMISSIONED' ? 'L' : mode === 'JOINING' ? 'J' : 'N';
}

export const statusCommand: Command = {
  name: 'status',
  synopsis: '[<keyspace>]',
  summary: 'Print cluster information (state, load, IDs, ...)',
  options: [{ names: ['-r', '--resolve-ip'], key: 'resolve', takesValue: false, help: 'Show node domain names instead of IPs' }],
  minArgs: 0,
  maxArgs: 1,
  async run(ctx) {
    const keyspace = ctx.parsed.args[0];
    if (keyspace !== undefined) await ctx.client.get(`/storage_service/ownership/${encodeURIComponent(keyspace)}`);
    const n = await nodeSummary(ctx);
    const title = `Datacenter: ${n.dataCenter}`;
    ctx.out(title);
    ctx.out('='.repeat(title.length));
    ctx.out('Status=Up/Down');
    ctx.out('|/ State=Normal/Leaving/Joining/Moving');
    const owns = keyspace !== undefined ? 'Owns (effective)' : 'Owns';
    const rows = [
      ['--', 'Address', 'Load', 'Tokens', owns, 'Host ID', 'Rack'],
      [`U${stateLetter(n.mode)}`, n.address, fileSize(n.loadBytes), String(n.tokens.length), percent(n.owns), n.hostId, n.rack],
    ];
    for (const line of alignColumns(rows)) ctx.out(line);
    ctx.out();
  },
};

export const infoCommand: Command = {
  name: 'info',
  synopsis: '',
  summary: 'Print node information (uptime, load, ...)',
  options: [{ names: ['-T', '--tokens'], key: 'tokens', takesValue: false, help: 'Display all tokens' }],
  minArgs: 0,
  maxArgs: 0,
  async run(ctx) {
    const c = ctx.client;
    const [n, generation, uptimeMs, gossip, memory] = await Promise.all([
      nodeSummary(ctx),
      c.get<number>('/storage_service/generation_number'),
      c.get<number>('/system/uptime_ms'),
      c.get<boolean>('/storage_service/gossiping'),
      c.get<{ heap_used_bytes: number; heap_total_bytes: number; off_heap_bytes: number }>('/charybdis/memory'),
    ]);
    const mb = (bytes: number): string => (bytes / (1024 * 1024)).toFixed(2);
    const line = (label: string, value: string): void => ctx.out(`${label.padEnd(23)}: ${value}`);
    line('ID', n.hostId);
    line('Gossip active', String(gossip));
    line('Native Transport active', String(n.nativeTransport));
    line('Load', fileSize(n.loadBytes));
    line('Generation No', String(generation));
    line('Uptime (seconds)', String(Math.floor(uptimeMs / 1000)));
    line('Heap Memory (MB)', `${mb(memory.heap_used_bytes)} / ${mb(memory.heap_total_bytes)}`);
    line('Off Heap Memory (MB)', mb(memory.off_heap_bytes));
    line('Data Center', n.dataCenter);
    line('Rack', n.rack);
    line('Operation Mode', n.mode);
    if (ctx.parsed.options.has('tokens')) for (const t of n.tokens) line('Token', t);
    else line('Token', `(invoke with -T/--tokens to see all ${n.tokens.length} tokens)`);
  },
};

export const ringCommand: Command = {
  name: 'ring',
  synopsis: '[<keyspace>]',
  summary: 'Print information about the token ring',
  options: [{ names: ['-r', '--resolve-ip'], key: 'resolve', takesValue: false, help: 'Show node domain names instead of IPs' }],
  minArgs: 0,
  maxArgs: 1,
  async run(ctx) {
    const keyspace = ctx.parsed.args[0];
    if (keyspace !== undefined) await ctx.client.get(`/storage_service/ownership/${encodeURIComponent(keyspace)}`);
    const n = await nodeSummary(ctx);
    const sorted = [...n.tokens].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
    const width = Math.max('Address'.length, n.address.length) + 2;
    const row = (cells: string[]): string => {
      const [address, rack, status, state, load, owns, token] = cells as [string, string, string, string, string, string, string];
      return `${address.padEnd(width)}${rack.padEnd(12)}${status.padEnd(7)}${state.padEnd(8)}${load.padEnd(16)}${owns.padEnd(20)}${token}`;
    };
    ctx.out();
    ctx.out(`Datacenter: ${n.dataCenter}`);
    ctx.out('==========');
    ctx.out(row(['Address', 'Rack', 'Status', 'State', 'Load', 'Owns', 'Token']));
    ctx.out(row(['', '', '', '', '', '', sorted[sorted.length - 1] ?? '']));
    const state = n.mode === 'NORMAL' || n.mode === 'DRAINED' ? 'Normal' : n.mode;
    for (const t of sorted) ctx.out(row([n.address, n.rack, 'Up', state, fileSize(n.loadBytes), percent(n.owns, 2), t]));
    ctx.out();
  },
};

export const describeRingCommand: Command = {
  name: 'describering',
  synopsis: '<keyspace>',
  summary: 'Shows the token ranges info of a given keyspace',
  options: [],
  minArgs: 1,
  maxArgs: 1,
  async run(ctx) {
    const keyspace = ctx.parsed.args[0]!;
    const [version, ranges] = await Promise.all([
      ctx.client.get<string>('/storage_service/schema_version'),
      ctx.client.get<TokenRangeJson[]>(`/storage_service/describe_ring/${encodeURIComponent(keyspace)}`),
    ]);
    ctx.out(`Schema Version:${version}`);
    ctx.out('TokenRange: ');
    for (const r of ranges) {
      const details = r.endpoint_details.map((d) => `EndpointDetails(host:${d.host}, datacenter:${d.datacenter}, rack:${d.rack})`).join(', ');
      ctx.out(`\tTokenRange(start_token:${r.start_token}, end_token:${r.end_token}, endpoints:[${r.endpoints.join(', ')}], rpc_endpoints:[${r.rpc_endpoints.join(', ')}], endpoint_details:[${details}])`);
    }
  },
};

export const getEndpointsCommand: Command = {
  name: 'getendpoints',
  synopsis: '<keyspace> <table> <key>',
  summary: 'Print the end points that owns the key',
  options: [],
  minArgs: 3,
  maxArgs: 3,
  async run(ctx) {
    const [keyspace, table, key] = ctx.parsed.args as [string, string, string];
    const endpoints = await ctx.client.get<string[]>(`/storage_service/natural_endpoints/${encodeURIComponent(keyspace)}`, { cf: table, key });
    for (const e of endpoints) ctx.out(e);
  },
};

export const versionCommand: Command = {
  name: 'version',
  synopsis: '',
  summary: 'Print cassandra version',
  options: [],
  minArgs: 0,
  maxArgs: 0,
  async run(ctx) {
    ctx.out(`ReleaseVersion: ${await ctx.client.get<string>('/storage_service/release_version')}`);
  },
};
