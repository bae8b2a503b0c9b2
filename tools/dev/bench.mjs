#!/usr/bin/env node
// `pnpm bench <suite>`: runs the benchmarks of a suite, each file in its own node process,
// one after the other, and passes their `BENCH {...}` lines through. A suite is a package
// name (every packages/<suite>/bench/*.bench.ts) or a file-name prefix
// (packages/*/bench/<suite>*.bench.ts). Benchmarks are compiled by `tsc -b` with the rest
// (into packages/*/dist/bench). `pnpm bench` alone lists the suites.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const packagesDir = path.join(root, 'packages');

function benchFiles() {
  const out = [];
  for (const pkg of fs.readdirSync(packagesDir).sort()) {
    const dir = path.join(packagesDir, pkg, 'bench');
    if (!fs.existsSync(dir)) continue;
    for (const f of fs.readdirSync(dir).sort()) {
      if (!f.endsWith('.bench.ts')) continue;
      out.push({ pkg, name: f.slice(0, -'.bench.ts'.length), js: path.join(packagesDir, pkg, 'dist', 'bench', f.replace(/\.ts$/, '.js')) });
    }
  }
  return out;
}

const [suite, ...rest] = process.argv.slice(2);
const all = benchFiles();
if (!suite) {
  process.stdout.write('usage: pnpm bench <suite> [args...]\nsuites:\n');
  for (const pkg of [...new Set(all.map((b) => b.pkg))]) {
    process.stdout.write(`  ${pkg}: ${all.filter((b) => b.pkg === pkg).map((b) => b.name).join(', ')}\n`);
  }
  process.exit(0);
}
const chosen = all.filter((b) => b.pkg === suite || b.name.startsWith(suite));
if (chosen.length === 0) {
  process.stderr.write(`bench: no benchmark matches "${suite}" (run pnpm bench to list them)\n`);
  process.exit(2);
}
let failed = 0;
for (const b of chosen) {
  if (!fs.existsSync(b.js)) {
    process.stderr.write(`bench: ${b.js} is missing; run the build (tsc -b) first\n`);
    process.exit(2);
  }
  process.stderr.write(`bench: ${b.pkg}/${b.name}\n`);
  const res = spawnSync(process.execPath, ['--expose-gc', b.js, ...rest], { cwd: root, stdio: 'inherit' });
  if (res.status !== 0) {
    failed++;
    process.stderr.write(`bench: ${b.pkg}/${b.name} failed (exit ${res.status ?? res.signal})\n`);
  }
}
process.exit(failed === 0 ? 0 : 1);
