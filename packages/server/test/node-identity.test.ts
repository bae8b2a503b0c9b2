import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadNodeIdentity } from '../src/node/node-identity';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'charybdis-identity-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('created once with a host id and sorted distinct tokens, then read back unchanged', async () => {
  const first = await loadNodeIdentity(dir, 16);
  expect(first.hostId).toMatch(/^[0-9a-f-]{36}$/);
  expect(first.tokens).toHaveLength(16);
  const asBig = first.tokens.map(BigInt);
  expect(asBig).toEqual([...asBig].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  expect(new Set(first.tokens).size).toBe(16);
  expect(await loadNodeIdentity(dir, 16)).toEqual(first);
});

test('a damaged identity file stops the node with a message naming it', async () => {
  writeFileSync(path.join(dir, 'node-identity.json'), '{"hostId": "nope"}');
  await expect(loadNodeIdentity(dir)).rejects.toThrow(/node-identity.json is damaged \(no valid hostId\)/);
  writeFileSync(path.join(dir, 'node-identity.json'), 'garbage');
  await expect(loadNodeIdentity(dir)).rejects.toThrow(/not JSON/);
});
