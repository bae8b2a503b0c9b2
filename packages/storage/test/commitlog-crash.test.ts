import { spawn } from 'node:child_process';
import path from 'node:path';
import { ThreadPoolBackend } from '@charybdis/core';
import { replayCommitlog } from '../src/commitlog';
import { RecordingLogger, makeCommitlogTempDir, payloadFor } from './fixtures/commitlog-test-doubles';
import { seededRandomForCommitlog } from './fixtures/commitlog-seeded-random';

// Run after `npx tsc -b`: the child is the compiled fixture.
const WRITER_JS = path.join(__dirname, '..', 'dist', 'test', 'fixtures', 'commitlog-crash-writer.js');
const SEGMENT_BYTES = 64 * 1024;
const MAX_PAYLOAD = 3000;

/** Runs the writer, SIGKILLs it once `killAfterAcks` appends are acknowledged; returns the acknowledged seqs. */
function runAndKill(directory: string, killAfterAcks: number): Promise<Set<number>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRITER_JS, directory, String(SEGMENT_BYTES), String(MAX_PAYLOAD)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acked = new Set<number>();
    let buffered = '';
    let stderr = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        if (line.startsWith('ack ')) acked.add(Number(line.slice(4)));
      }
      if (acked.size >= killAfterAcks) child.kill('SIGKILL');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(acked);
      else reject(new Error(`writer exited with ${code} before being killed: ${stderr}`));
    });
  });
}

test('SIGKILL in batch mode: every acknowledged entry is replayed, nothing corrupt applied', async () => {
  const random = seededRandomForCommitlog(20261127);
  for (let round = 0; round < 4; round++) {
    const directory = makeCommitlogTempDir();
    const killAfter = 50 + Math.floor(random() * 400);
    const acked = await runAndKill(directory, killAfter);
    expect(acked.size).toBeGreaterThanOrEqual(killAfter);
    const seen = new Set<number>();
    const backend = new ThreadPoolBackend();
    const logger = new RecordingLogger();
    const result = await replayCommitlog(directory, (payload) => {
      const seq = payload.length >= 4 ? Buffer.from(payload).readUInt32LE(0) : -1;
      // Nothing corrupt is applied: every payload is exactly the one written for its seq, once.
      expect(Buffer.from(payload).equals(payloadFor(seq, MAX_PAYLOAD))).toBe(true);
      expect(seen.has(seq)).toBe(false);
      seen.add(seq);
    }, { backend, logger });
    await backend.close();
    const missing = [...acked].filter((s) => !seen.has(s));
    expect(missing).toEqual([]);
    expect(result.segments).toBeGreaterThanOrEqual(2);
  }
});
