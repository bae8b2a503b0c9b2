'use strict';
// Builds the addon with cmake-js during install. The project must still run where the
// addon cannot build (core falls back to pure TypeScript), so by default a failed build
// prints why and exits 0; `--strict` (npm run build) makes a failure fatal.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const strict = process.argv.includes('--strict');
const here = __dirname;
const marker = path.join(here, 'build', 'BUILD_FAILED.txt');

function fail(reason) {
  fs.mkdirSync(path.dirname(marker), { recursive: true });
  fs.writeFileSync(marker, reason + '\n');
  process.stderr.write(
    `@charybdis/native: the C++ addon did not build (${reason.split('\n')[0]}); ` +
      'Charybdis will use its pure-TypeScript fallbacks.\n',
  );
  process.exit(strict ? 1 : 0);
}

let cmakeJs;
try {
  cmakeJs = require.resolve('cmake-js/bin/cmake-js');
} catch (err) {
  fail(`cmake-js is not installed: ${err.message}`);
}
fs.rmSync(marker, { force: true });

// Whether the io_uring backend is compiled is decided when CMake configures (liburing found
// or not), and CMake does not configure again by itself when liburing is installed or
// removed later: drop the cache when its answer no longer matches the system.
const cache = path.join(here, 'build', 'CMakeCache.txt');
if (fs.existsSync(cache)) {
  const cached = /^LIBURING_INCLUDE_DIR:PATH=(.*)$/m.exec(fs.readFileSync(cache, 'utf8'));
  const cachedDir = cached !== null && !cached[1].endsWith('-NOTFOUND') ? cached[1] : null;
  const dirs = cachedDir !== null ? [cachedDir] : ['/usr/include', '/usr/local/include'];
  const presentNow = dirs.some((d) => fs.existsSync(path.join(d, 'liburing.h')));
  if ((cachedDir !== null) !== presentNow) fs.rmSync(cache);
}
const res = spawnSync(process.execPath, [cmakeJs, 'compile', '--log-level', 'warn'], {
  cwd: here,
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'pipe'],
});
if (res.error) fail(res.error.message);
if (res.status !== 0) {
  const out = `${res.stdout}\n${res.stderr}`.trim();
  fail(`cmake-js exited with ${res.status}\n${out.slice(-4000)}`);
}
