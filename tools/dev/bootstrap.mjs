#!/usr/bin/env node
// First step of `npm start` and `npm test`: makes a fresh clone runnable with nothing but
// Node.js 20 and npm. Each step is skipped when already done, so a second run costs about
// one incremental `tsc -b`.
//   1. the pinned pnpm, installed with npm into .tools/ (no global install, no corepack),
//      and liburing-dev when missing and we may install it (root, apt-get; optional);
//   2. the workspace's dependencies (pnpm install --frozen-lockfile), which also builds the
//      native addon with cmake-js (native/build.js; a failed build is reported, and the
//      project runs on its pure-TypeScript fallbacks);
//   3. the TypeScript build (tsc -b).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PNPM_VERSION = '12.4.2';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const toolsDir = path.join(root, '.tools');
const pnpmEntry = path.join(toolsDir, 'node_modules', 'pnpm', 'bin', 'pnpm.mjs');
const installStamp = path.join(root, 'node_modules', '.charybdis-install-stamp');

function say(msg) {
  process.stderr.write(`bootstrap: ${msg}\n`);
}

function die(msg) {
  process.stderr.write(`bootstrap: error: ${msg}\n`);
  process.exit(1);
}

function run(cmd, args, env = process.env) {
  const res = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env });
  if (res.error) die(`${path.basename(cmd)} ${args.join(' ')}: ${res.error.message}`);
  if (res.status !== 0) die(`${path.basename(cmd)} ${args.join(' ')} exited with ${res.status ?? res.signal}`);
}

const major = Number(process.versions.node.split('.')[0]);
if (major < 20) die(`Charybdis needs Node.js 20 or later; this is ${process.version}`);

// 1. pnpm, pinned (newer releases are not served here; see shared/reference/machine.md).
function installedPnpmVersion() {
  try {
    return JSON.parse(fs.readFileSync(path.join(toolsDir, 'node_modules', 'pnpm', 'package.json'), 'utf8')).version;
  } catch {
    return null;
  }
}
if (installedPnpmVersion() !== PNPM_VERSION) {
  say(`installing pnpm ${PNPM_VERSION} into .tools/`);
  fs.mkdirSync(toolsDir, { recursive: true });
  // A package.json of its own, or npm would walk up and install into the workspace root.
  fs.writeFileSync(path.join(toolsDir, 'package.json'), '{ "name": "charybdis-dev-tools", "private": true }\n');
  const npmCli = process.env.npm_execpath && process.env.npm_execpath.endsWith('.js') ? process.env.npm_execpath : null;
  const npmArgs = ['install', '--no-audit', '--no-fund', '--loglevel=error', '--prefix', toolsDir, `pnpm@${PNPM_VERSION}`];
  if (npmCli) run(process.execPath, [npmCli, ...npmArgs]);
  else run(process.platform === 'win32' ? 'npm.cmd' : 'npm', npmArgs);
}

// 1b. liburing for the native addon's io_uring backend. Optional: without its header the
// addon builds without io_uring and core uses its thread-pool backend, so this step never
// fails the bootstrap. Installed only as root on a Debian-like system (apt-get).
function ensureLiburing() {
  if (process.platform !== 'linux' || fs.existsSync('/usr/include/liburing.h')) return false;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !fs.existsSync('/etc/debian_version') || !fs.existsSync('/usr/bin/apt-get')) {
    say('liburing-dev is not installed (installing it needs root and apt-get): the native addon builds without io_uring');
    return false;
  }
  say('installing liburing-dev with apt-get (io_uring for the native addon)');
  const opts = { cwd: root, stdio: 'ignore', timeout: 300_000, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } };
  const install = () => spawnSync('apt-get', ['install', '-y', '-q', 'liburing-dev'], opts);
  let res = install();
  if (res.status !== 0) {
    // Usually a fresh image without package lists.
    spawnSync('apt-get', ['update', '-q'], opts);
    res = install();
  }
  if (res.status === 0 && fs.existsSync('/usr/include/liburing.h')) return true;
  say(`apt-get could not install liburing-dev (${res.error ? res.error.message : `exit ${res.status ?? res.signal}`}): the native addon builds without io_uring`);
  return false;
}
const liburingInstalled = ensureLiburing();

// 2. Dependencies and the native addon, when the lockfile or a manifest changed.
function manifestHash() {
  const h = createHash('sha256');
  const files = ['pnpm-lock.yaml', 'pnpm-workspace.yaml', 'package.json'];
  for (const dir of ['packages', 'native', 'test', 'dtest', 'tools']) {
    const base = path.join(root, dir);
    if (!fs.existsSync(base)) continue;
    if (fs.existsSync(path.join(base, 'package.json'))) files.push(path.join(dir, 'package.json'));
    for (const sub of fs.readdirSync(base)) {
      if (fs.existsSync(path.join(base, sub, 'package.json'))) files.push(path.join(dir, sub, 'package.json'));
    }
  }
  for (const f of files.sort()) {
    h.update(f);
    if (fs.existsSync(path.join(root, f))) h.update(fs.readFileSync(path.join(root, f)));
  }
  h.update(process.version);
  return h.digest('hex');
}
const wanted = manifestHash();
const have = fs.existsSync(installStamp) ? fs.readFileSync(installStamp, 'utf8').trim() : null;
if (have !== wanted) {
  say('installing dependencies with pnpm (this also builds the native addon)');
  // pnpm's node-gyp ignores npm's `nodedir` setting and would download Node's headers (lz4
  // needs them); point it at the running Node's own headers when they are installed.
  const env = { ...process.env };
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  if (!env.npm_config_nodedir && fs.existsSync(path.join(prefix, 'include', 'node', 'node.h'))) {
    env.npm_config_nodedir = prefix;
  }
  const frozen = process.env.CI || !process.argv.includes('--update-lockfile') ? ['--frozen-lockfile'] : [];
  run(process.execPath, [pnpmEntry, 'install', ...frozen, '--config.confirmModulesPurge=false'], env);
  fs.writeFileSync(installStamp, wanted + '\n');
}

// The addon again when its sources are newer than the build (pnpm does not re-run install
// scripts of an installed workspace package).
const addon = path.join(root, 'native', 'build', 'Release', 'charybdis_native.node');
const nativeSources = ['CMakeLists.txt', 'build.js', ...fs.readdirSync(path.join(root, 'native', 'src')).map((f) => path.join('src', f))];
const newestSource = Math.max(...nativeSources.map((f) => fs.statSync(path.join(root, 'native', f)).mtimeMs));
if (liburingInstalled || !fs.existsSync(addon) || fs.statSync(addon).mtimeMs < newestSource) {
  say('building the native addon');
  run(process.execPath, [path.join(root, 'native', 'build.js')]);
}

// 3. TypeScript, incrementally.
run(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-b']);
