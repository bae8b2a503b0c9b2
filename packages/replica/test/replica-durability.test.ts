// Durability (issue: "in batch mode, kill -9 during a write load 20 times: 0 acknowledged
// writes lost"). A writer child (test/fixtures/replica-crash-writer.ts, run compiled: do
// `npx tsc -b packages/replica` first) opens one shard's ReplicaDatabase — batch
// commitlog of 256 KiB segments, 8 MiB LSA budget so memtables flush several times per
// round, STCS min_threshold 2 so flushes get compacted — replays, and writes 32 at a time
// (puts, row and partition deletes, overwrites), printing each acknowledged write. It is
// SIGKILLed at a seeded random point: after some acknowledged writes, or during start-up
// (replay, its flush, a compaction). The next run, on the same directories, replays the
// crash's commitlog and verifies every acknowledged write of every earlier round — the
// exact value and write time, deletes still deleted — with a range scan of the whole table
// and single-partition reads of a sample; a last run verifies and stops cleanly.
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tableDirectories } from '../src';
import { runDurability, unexpectedFiles } from './fixtures/durability-driver';
import type { RoundReport } from './fixtures/durability-driver';
import { DURABILITY_TABLE } from './fixtures/durability-workload';

const ROUNDS = 20;
const SEED = 20260514;

/** Everything wrong with one child run, as readable lines (empty when the run is fine). */
function problemsOf(r: RoundReport, isFinal: boolean): string[] {
  const p: string[] = [];
  const where = `round ${r.round}`;
  if (isFinal ? r.exitCode !== 0 || !r.stopped : !r.killed) {
    p.push(`${where}: ${isFinal ? 'the verifying run did not stop cleanly' : 'the writer died before its kill point'} (exit ${String(r.exitCode)}): ${r.stderrTail.slice(-2000)}`);
  }
  for (const e of r.logErrors) p.push(`${where}: error logged: ${e.slice(0, 2000)}`);
  if (r.startup !== null && r.startup.remaining.length > 0) p.push(`${where}: the crash's partial files survived start-up: ${r.startup.remaining.join(', ')}`);
  const v = r.verified;
  if (v !== null && v.lost + v.garbage + v.readErrors + v.readMismatches > 0) {
    p.push(`${where}: ${v.lost} acknowledged writes lost, ${v.garbage} garbage cells, ${v.readErrors} read errors, ${v.readMismatches} read mismatches: ${v.examples.join('; ')}`);
  }
  return p;
}

test(`batch mode: ${ROUNDS} kill -9 rounds on the same directories lose no acknowledged write`, async () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'charybdis-durability-'));
  const { rounds, final, dirs } = await runDurability({ root, rounds: ROUNDS, seed: SEED, minAcks: 1500, maxAcks: 8000, startupKillFraction: 0.2 });

  const problems = [...rounds.flatMap((r) => problemsOf(r, false)), ...problemsOf(final, true)];
  expect(problems).toEqual([]);
  const shardDir = tableDirectories(dirs.data, DURABILITY_TABLE, 0).shard;
  // After a clean stop nothing half-written is left: no partial SSTable, compaction log or temporary file.
  expect(unexpectedFiles(shardDir)).toEqual([]);

  // The final check covered every acknowledged write of every round.
  const acked = rounds.reduce((n, r) => n + r.acked.length, 0);
  expect(final.verified).not.toBeNull();
  expect(final.verified!.ackedWrites).toBe(acked);
  expect(final.verified!.cellsWithAckedWrite).toBeGreaterThan(1000);
  // Every round after the first verified what the earlier ones acknowledged (or was killed before it could).
  expect(rounds.filter((r) => r.verified !== null && r.verified.ackedWrites > 0).length).toBeGreaterThanOrEqual(ROUNDS / 2);

  // The run exercised what it is meant to: kills during start-up and during writes, replay of
  // real commitlog data, memtable flushes and compactions while writing, segment recycling.
  expect(rounds.some((r) => r.killPoint.kind === 'duringStartup')).toBe(true);
  expect(rounds.filter((r) => r.killPoint.kind === 'afterAcks').every((r) => r.acked.length >= 1500)).toBe(true);
  expect(rounds.filter((r) => r.replay !== null && r.replay.applied > 0).length).toBeGreaterThan(ROUNDS / 2);
  expect(rounds.reduce((n, r) => n + r.events.flush, 0)).toBeGreaterThan(ROUNDS);
  expect(rounds.reduce((n, r) => n + r.events.compaction, 0)).toBeGreaterThan(0);
  expect(rounds.some((r) => (r.lastStats?.commitlog.segmentsReused ?? 0) > 0)).toBe(true);

  rmSync(root, { recursive: true, force: true });
}, 180_000);
