import { randomBytes, randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/** Tokens a node owns on the ring (Cassandra's and ScyllaDB's num_tokens default). */
export const DEFAULT_NUM_TOKENS = 256;
const FILE = 'node-identity.json';

/**
 * Who this node is, stable across restarts: its host id (system.local.host_id, what the
 * drivers key hosts by) and its tokens (system.local.tokens; a single node owns the whole
 * ring whatever they are, but the drivers' token-aware routing reads them). Created at the
 * first start, then read back.
 */
export interface NodeIdentity {
  readonly hostId: string;
  /** Signed 64-bit tokens as decimal strings, sorted. */
  readonly tokens: readonly string[];
}

/** Reads `<dataDirectory>/node-identity.json`, creating it (durably) on the first start. */
export async function loadNodeIdentity(dataDirectory: string, numTokens = DEFAULT_NUM_TOKENS): Promise<NodeIdentity> {
  const file = path.join(dataDirectory, FILE);
  let text: string | null = null;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (text !== null) return parseIdentity(text, file);
  const identity: NodeIdentity = { hostId: randomUUID(), tokens: randomTokens(numTokens) };
  await fs.mkdir(dataDirectory, { recursive: true });
  const tmp = `${file}.tmp`;
  const handle = await fs.open(tmp, 'w');
  try {
    await handle.writeFile(JSON.stringify({ version: 1, ...identity }, null, 2) + '\n');
    await handle.datasync();
  } finally {
    await handle.close();
  }
  await fs.rename(tmp, file);
  return identity;
}

function randomTokens(n: number): string[] {
  const tokens = new Set<bigint>();
  while (tokens.size < n) tokens.add(randomBytes(8).readBigInt64BE(0));
  return [...tokens].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map(String);
}

function parseIdentity(text: string, file: string): NodeIdentity {
  const fail = (why: string): never => {
    throw new Error(`charybdis: ${file} is damaged (${why}); restore it from a backup — it holds this node's host id and tokens`);
  };
  let parsed: { hostId?: unknown; tokens?: unknown };
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    return fail('not JSON');
  }
  if (typeof parsed.hostId !== 'string' || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(parsed.hostId)) return fail('no valid hostId');
  const tokens = parsed.tokens;
  if (!Array.isArray(tokens) || tokens.length === 0 || !tokens.every((t) => typeof t === 'string' && /^-?\d{1,19}$/.test(t))) return fail('no valid tokens');
  return { hostId: parsed.hostId, tokens: tokens as string[] };
}
