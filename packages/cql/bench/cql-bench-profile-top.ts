// Summarizes a V8 CPU profile (`node --cpu-prof`, e.g. a shard worker's from
// CQL_BENCH_PROFILE_DIR): the functions with the most self time, by name and location.
// Run: node packages/cql/dist/bench/cql-bench-profile-top.js FILE.cpuprofile [N=15]
import fs from 'node:fs';
import path from 'node:path';

/** The parts of the .cpuprofile format (Chrome DevTools' Profile) this reads. */
interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

/** Pseudo-frames that are not JavaScript work. */
const IDLE_FRAMES = new Set(['(idle)']);

function main(): void {
  const file = process.argv[2];
  const limit = Number(process.argv[3] ?? 15);
  if (file === undefined) {
    process.stderr.write('usage: cql-bench-profile-top FILE.cpuprofile [N]\n');
    process.exit(2);
  }
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const keyOf = new Map<number, string>();
  for (const n of profile.nodes) {
    const f = n.callFrame;
    const where = f.url === '' ? '' : ` ${shortUrl(f.url)}:${f.lineNumber + 1}`;
    keyOf.set(n.id, `${f.functionName === '' ? '(anonymous)' : f.functionName}${where}`);
  }
  const selfUs = new Map<string, number>();
  let totalUs = 0;
  let idleUs = 0;
  // timeDeltas[i] is the time before sample i; charge it to that sample's function.
  profile.samples.forEach((id, i) => {
    const key = keyOf.get(id) ?? '(unknown)';
    const dt = profile.timeDeltas[i] ?? 0;
    totalUs += dt;
    if (IDLE_FRAMES.has(key)) idleUs += dt;
    selfUs.set(key, (selfUs.get(key) ?? 0) + dt);
  });
  const busyUs = totalUs - idleUs;
  process.stdout.write(`${path.basename(file)}: ${(totalUs / 1e6).toFixed(1)} s sampled, ${(busyUs / 1e6).toFixed(1)} s busy (not idle)\n`);
  process.stdout.write(' self ms   % busy  function\n');
  const top = [...selfUs.entries()].filter(([k]) => !IDLE_FRAMES.has(k)).sort((a, b) => b[1] - a[1]).slice(0, limit);
  for (const [key, us] of top) {
    process.stdout.write(`${(us / 1000).toFixed(0).padStart(8)} ${((us / busyUs) * 100).toFixed(1).padStart(7)}%  ${key}\n`);
  }
}

/** The path from `packages/` or `node_modules/` on, else the file name. */
function shortUrl(url: string): string {
  const p = url.replace(/^file:\/\//, '');
  const at = Math.max(p.lastIndexOf('/packages/'), p.lastIndexOf('/node_modules/'));
  return at >= 0 ? p.slice(at + 1) : p;
}

main();
