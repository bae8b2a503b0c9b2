#!/usr/bin/env node
// check-deps: enforces the package dependency direction of DESIGN.md section 2.
//
//   node tools/dev/check-deps.mjs [--root DIR]
//
// The rules (which package may import which, who may use @charybdis/native, which folders
// are consumers of the public APIs) live in <root>/tools/dev/dependency-rules.json, so that
// tests can point the checker at a fixture workspace with its own rules. Imports are found
// lexically with ts.preProcessFile: static imports (also `import type`), `export … from`,
// `import x = require()`, dynamic import(), require() and `declare module` augmentations.
//
// Exit codes: 0 no violations (one summary line on stdout), 1 violations (each as
// `file:line: message` on stderr, then a count), 2 the rules file or the arguments are bad.
// Plain Node ESM on purpose: it runs before `tsc -b`, with no build step.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const RULES_PATH = 'tools/dev/dependency-rules.json';
const SOURCE_FILE = /\.(?:[cm]?[jt]s|[jt]sx)$/;
const ALWAYS_SKIPPED_DIRS = new Set(['node_modules', 'dist']);
const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'];

class ConfigError extends Error {}

function parseArgs(argv) {
  let root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--root' && i + 1 < argv.length) {
      root = path.resolve(argv[++i]);
    } else if (arg.startsWith('--root=')) {
      root = path.resolve(arg.slice('--root='.length));
    } else {
      throw new ConfigError(`unknown argument '${arg}'; usage: node tools/dev/check-deps.mjs [--root DIR]`);
    }
  }
  return root;
}

// ---------------------------------------------------------------------------------------
// Rules

function stringArray(value, what) {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw new ConfigError(`${what} must be an array of strings`);
  }
  return value;
}

function loadRules(root) {
  const file = path.join(root, RULES_PATH);
  let raw;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`cannot read ${RULES_PATH}: ${err.message}`);
  }
  const scope = raw.scope ?? '@charybdis';
  const packagesDir = raw.packagesDir ?? 'packages';
  const packages = stringArray(raw.packages, "'packages'");
  const known = new Set(packages);
  if (known.size !== packages.length) throw new ConfigError("'packages' lists a package twice");

  // Arrows are chains "a -> b -> c": each arrow means "may be imported by".
  const downstream = new Map(packages.map((p) => [p, new Set()]));
  for (const chain of stringArray(raw.arrows ?? [], "'arrows'")) {
    const names = chain.split(/->|→/).map((s) => s.trim());
    if (names.length < 2) throw new ConfigError(`arrow '${chain}' needs at least two packages`);
    for (const name of names) {
      if (!known.has(name)) throw new ConfigError(`arrow '${chain}' names '${name}', which is not in 'packages'`);
    }
    for (let i = 0; i + 1 < names.length; i++) downstream.get(names[i]).add(names[i + 1]);
  }

  // upstream(p): every package with a path of arrows to p.
  const upstream = new Map(packages.map((p) => [p, new Set()]));
  for (const from of packages) {
    const stack = [...downstream.get(from)];
    const seen = new Set();
    while (stack.length > 0) {
      const to = stack.pop();
      if (seen.has(to)) continue;
      seen.add(to);
      if (to === from) throw new ConfigError(`the arrows form a cycle through '${from}'`);
      upstream.get(to).add(from);
      stack.push(...downstream.get(to));
    }
  }

  let native = null;
  if (raw.native != null) {
    const { name, dir, allowedIn = [], skipDirs = [] } = raw.native;
    if (typeof name !== 'string' || typeof dir !== 'string') {
      throw new ConfigError("'native' needs 'name' and 'dir'");
    }
    for (const p of stringArray(allowedIn, "'native.allowedIn'")) {
      if (!known.has(p)) throw new ConfigError(`'native.allowedIn' names '${p}', which is not in 'packages'`);
    }
    native = { name, dir, allowedIn: new Set(allowedIn), skipDirs: new Set(stringArray(skipDirs, "'native.skipDirs'")) };
  }
  const consumers = stringArray(raw.consumers?.dirs ?? [], "'consumers.dirs'");
  return { file: RULES_PATH, text: fs.readFileSync(file, 'utf8'), scope, packagesDir, packages, known, upstream, native, consumers };
}

// ---------------------------------------------------------------------------------------
// Files and imports

function toPosix(p) {
  return p.split(path.sep).join('/');
}

/**
 * Files under `dir` (sorted, so output is stable) whose name passes `accept`; skips
 * node_modules, dist, dot-folders, and `skipTop` folders directly under `dir`.
 */
function listFiles(dir, accept, skipTop = new Set()) {
  const out = [];
  const visit = (d) => {
    let entries;
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return; // a folder that does not exist has no files
    }
    entries.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
    for (const e of entries) {
      if (e.isDirectory()) {
        if (ALWAYS_SKIPPED_DIRS.has(e.name) || e.name.startsWith('.') || (d === dir && skipTop.has(e.name))) continue;
        visit(path.join(d, e.name));
      } else if (e.isFile() && accept(e.name)) {
        out.push(path.join(d, e.name));
      }
    }
  };
  visit(dir);
  return out;
}

function lineOf(text, pos) {
  let line = 1;
  for (let i = 0; i < pos && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function findImports(text) {
  const info = ts.preProcessFile(text, true, true);
  return info.importedFiles.map((f) => ({ spec: f.fileName, line: lineOf(text, f.pos) }));
}

/** The 1-based line of the first occurrence of `needle` in `text`, or 1. */
function lineOfText(text, needle) {
  const i = text.indexOf(needle);
  return i < 0 ? 1 : lineOf(text, i);
}

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function readTsconfig(file) {
  const text = fs.readFileSync(file, 'utf8');
  const { config, error } = ts.parseConfigFileTextToJson(file, text);
  if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));
  return { config, text };
}

function scopedDeps(pkgJson, scope) {
  const deps = new Set();
  for (const field of DEPENDENCY_FIELDS) {
    for (const name of Object.keys(pkgJson[field] ?? {})) if (name.startsWith(`${scope}/`)) deps.add(name);
  }
  return deps;
}

// ---------------------------------------------------------------------------------------
// The check

function check(root) {
  const rules = loadRules(root);
  const { scope, known, upstream, native } = rules;
  const violations = [];
  const rel = (abs) => toPosix(path.relative(root, abs)) || '.';
  const report = (file, line, message) => violations.push(line == null ? `${file}: ${message}` : `${file}:${line}: ${message}`);
  const pkgDir = (name) => path.join(root, rules.packagesDir, name);
  const nativeDir = native ? path.join(root, native.dir) : null;

  /** Which workspace unit owns an absolute path, or null. */
  const unitOf = (abs) => {
    const r = toPosix(path.relative(root, abs));
    const prefix = `${toPosix(rules.packagesDir)}/`;
    if (r.startsWith(prefix)) {
      const name = r.slice(prefix.length).split('/')[0];
      if (name) return { kind: 'package', name, dir: pkgDir(name), label: name };
    }
    if (native && (r === toPosix(native.dir) || r.startsWith(`${toPosix(native.dir)}/`))) {
      return { kind: 'native', name: native.name, dir: nativeDir, label: native.name };
    }
    for (const c of rules.consumers) {
      if (r === c || r.startsWith(`${c}/`)) return { kind: 'consumer', name: c, dir: path.join(root, c), label: `${c}/` };
    }
    return null;
  };

  // --- 6. package folders and the rules agree --------------------------------------------
  let folders = [];
  try {
    folders = fs
      .readdirSync(path.join(root, rules.packagesDir), { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
      .map((e) => e.name)
      .sort();
  } catch {
    report(rules.packagesDir, null, 'packages folder not found');
  }
  for (const name of folders) {
    if (!known.has(name)) {
      const pj = path.join(pkgDir(name), 'package.json');
      report(fs.existsSync(pj) ? rel(pj) : `${rules.packagesDir}/${name}`, fs.existsSync(pj) ? 1 : null,
        `package folder '${name}' is not in ${rules.file}; add it to 'packages' and place it in 'arrows' on purpose`);
    }
  }
  for (const name of rules.packages) {
    if (!folders.includes(name)) {
      report(rules.file, lineOfText(rules.text, `"${name}"`), `package '${name}' is listed but ${rules.packagesDir}/${name} does not exist`);
    }
  }

  // --- 4. package.json and tsconfig.json of each package ----------------------------------
  const declared = new Map(); // package folder name -> Set of declared @scope deps
  const depAllowed = (p, dep) => {
    if (native && dep === native.name) return native.allowedIn.has(p);
    const x = dep.slice(scope.length + 1);
    return known.has(x) && upstream.get(p).has(x);
  };
  function whyNot(p, dep) {
    if (native && dep === native.name) return `only ${[...native.allowedIn].join(', ')} may use ${native.name}`;
    const x = dep.slice(scope.length + 1);
    if (!known.has(x)) return `${x} is not a package in ${rules.file}`;
    if (upstream.get(x).has(p)) return `${x} is downstream of ${p}`;
    return `${x} is not upstream of ${p}`;
  }

  /** Compare tsconfig references of project dir `dir` with its declared deps. */
  const checkReferences = (dir, deps) => {
    const tsconfigPath = path.join(dir, 'tsconfig.json');
    if (!fs.existsSync(tsconfigPath)) return false;
    let tsconfig;
    try {
      tsconfig = readTsconfig(tsconfigPath);
    } catch (err) {
      report(rel(tsconfigPath), 1, `cannot parse: ${err.message}`);
      return true;
    }
    const expected = new Map(); // absolute package dir -> dep name
    for (const dep of deps) {
      if (native && dep === native.name) continue; // native is plain JS with no tsconfig
      expected.set(pkgDir(dep.slice(scope.length + 1)), dep);
    }
    const referenced = new Map(); // absolute dir -> path as written
    for (const ref of tsconfig.config.references ?? []) {
      if (typeof ref?.path !== 'string') continue;
      let abs = path.resolve(dir, ref.path);
      if (abs.endsWith('.json')) abs = path.dirname(abs);
      referenced.set(abs, ref.path);
    }
    for (const [abs, dep] of expected) {
      if (!referenced.has(abs)) {
        report(rel(tsconfigPath), lineOfText(tsconfig.text, '"references"'),
          `${rel(dir)} depends on ${dep} in package.json but tsconfig.json has no reference to ${toPosix(path.relative(dir, abs))}`);
      }
    }
    for (const [abs, written] of referenced) {
      if (!expected.has(abs)) {
        const target = unitOf(abs);
        const what = target?.kind === 'package' ? `${scope}/${target.name}` : `'${written}'`;
        report(rel(tsconfigPath), lineOfText(tsconfig.text, written),
          `${rel(dir)} tsconfig.json references ${written} but package.json does not depend on ${what}`);
      }
    }
    return true;
  };

  for (const p of folders.filter((f) => known.has(f))) {
    const dir = pkgDir(p);
    const pjPath = path.join(dir, 'package.json');
    let pj;
    try {
      pj = readJson(pjPath);
    } catch (err) {
      report(rel(pjPath), null, `cannot read package.json of ${p}: ${err.message}`);
      declared.set(p, new Set());
      continue;
    }
    const pjText = fs.readFileSync(pjPath, 'utf8');
    if (pj.name !== `${scope}/${p}`) {
      report(rel(pjPath), lineOfText(pjText, '"name"'), `package folder '${p}' must be named ${scope}/${p}, not ${pj.name}`);
    }
    const deps = scopedDeps(pj, scope);
    declared.set(p, deps);
    for (const dep of deps) {
      const line = lineOfText(pjText, `"${dep}"`);
      if (dep === `${scope}/${p}`) {
        report(rel(pjPath), line, `${p} depends on itself`);
      } else if (!depAllowed(p, dep)) {
        report(rel(pjPath), line, `${p} depends on ${dep}, which ${p} may not use (${whyNot(p, dep)})`);
      }
    }
    if (!checkReferences(dir, deps)) report(rel(dir), null, `package ${p} has no tsconfig.json`);
  }

  // Consumer projects (test/, dtest/, tools/*): deps must be public packages, refs must match.
  for (const c of rules.consumers) {
    for (const pjPath of listFiles(path.join(root, c), (n) => n === 'package.json')) {
      let pj;
      try {
        pj = readJson(pjPath);
      } catch (err) {
        report(rel(pjPath), null, `cannot read package.json: ${err.message}`);
        continue;
      }
      const pjText = fs.readFileSync(pjPath, 'utf8');
      const deps = scopedDeps(pj, scope);
      for (const dep of deps) {
        const x = dep.slice(scope.length + 1);
        if (native && dep === native.name) {
          report(rel(pjPath), lineOfText(pjText, `"${dep}"`), `${c}/ depends on ${dep}, which only ${[...native.allowedIn].join(', ')} may use`);
        } else if (!known.has(x)) {
          report(rel(pjPath), lineOfText(pjText, `"${dep}"`), `${c}/ depends on ${dep}, which is not a package in ${rules.file}`);
        }
      }
      checkReferences(path.dirname(pjPath), deps);
    }
  }

  // --- 1, 2, 3: every import of every source file -----------------------------------------
  const units = [];
  for (const p of folders) units.push({ kind: 'package', name: p, dir: pkgDir(p), label: p, skip: new Set() });
  if (native && fs.existsSync(nativeDir)) units.push({ kind: 'native', name: native.name, dir: nativeDir, label: native.name, skip: native.skipDirs });
  for (const c of rules.consumers) units.push({ kind: 'consumer', name: c, dir: path.join(root, c), label: `${c}/`, skip: new Set() });

  const edges = new Map(); // "a\0b" -> first {file, line} where package a imports b
  let fileCount = 0;
  const nearestPackageJson = (file) => {
    for (let d = path.dirname(file); ; d = path.dirname(d)) {
      const pj = path.join(d, 'package.json');
      if (fs.existsSync(pj)) return pj;
      if (d === root || path.dirname(d) === d) return null;
    }
  };
  const consumerDeclared = new Map();
  const declaredFor = (pjPath) => {
    if (!consumerDeclared.has(pjPath)) {
      let deps = new Set();
      try {
        deps = scopedDeps(readJson(pjPath), scope);
      } catch {
        // reported above when the package.json is inside a consumer folder
      }
      consumerDeclared.set(pjPath, deps);
    }
    return consumerDeclared.get(pjPath);
  };

  for (const unit of units) {
    for (const file of listFiles(unit.dir, (n) => SOURCE_FILE.test(n), unit.skip)) {
      fileCount++;
      const text = fs.readFileSync(file, 'utf8');
      const where = rel(file);
      for (const { spec, line } of findImports(text)) {
        if (spec.startsWith(`${scope}/`)) {
          checkScopedImport(unit, file, where, line, spec);
        } else if (spec.startsWith('.') || path.isAbsolute(spec)) {
          checkRelativeImport(unit, file, where, line, spec);
        }
      }
    }
  }

  function checkScopedImport(unit, file, where, line, spec) {
    const rest = spec.slice(scope.length + 1);
    const slash = rest.indexOf('/');
    const x = slash < 0 ? rest : rest.slice(0, slash);
    const dep = `${scope}/${x}`;
    if (slash >= 0) {
      report(where, line, `deep import '${spec}' from ${unit.label}; import the public API of ${dep} instead`);
    }
    if (unit.kind === 'native') {
      report(where, line, `${native.name} must not import ${dep}: native is below every package`);
      return;
    }
    if (unit.kind === 'consumer') {
      if (native && dep === native.name) {
        report(where, line, `${unit.label} must not import ${dep}: only ${[...native.allowedIn].join(', ')} may use it`);
        return;
      }
      if (!known.has(x)) {
        report(where, line, `${unit.label} imports ${dep}, which is not a package in ${rules.file}`);
        return;
      }
      const pj = nearestPackageJson(file);
      if (pj == null || !declaredFor(pj).has(dep)) {
        report(where, line, `${unit.label} imports ${dep} but ${pj ? rel(pj) : 'no package.json'} does not declare it`);
      }
      return;
    }
    // A package.
    const p = unit.name;
    const isNative = native && dep === native.name;
    if (isNative || folders.includes(x)) {
      const key = `${p}\0${isNative ? dep : x}`;
      if (!edges.has(key)) edges.set(key, { file: where, line });
    }
    if (x === p) {
      report(where, line, `${p} imports itself as ${dep}; use a relative import`);
      return;
    }
    if (!known.has(p)) return; // an unknown package folder is already an error; its direction is undefined
    if (!depAllowed(p, dep)) {
      report(where, line, `${p} must not import ${dep}: ${whyNot(p, dep)} (${rules.file})`);
      return;
    }
    if (!declared.get(p)?.has(dep)) {
      report(where, line, `${p} imports ${dep} but ${rules.packagesDir}/${p}/package.json does not declare it`);
    }
  }

  function checkRelativeImport(unit, file, where, line, spec) {
    const target = path.resolve(path.dirname(file), spec);
    const inside = path.relative(unit.dir, target);
    if (!inside.startsWith('..') && !path.isAbsolute(inside)) return; // stays in its folder
    const other = unitOf(target);
    const into = other ? ` into ${other.kind === 'package' ? `${scope}/${other.name}` : other.label}` : '';
    const hint = other?.kind === 'package' || other?.kind === 'native' ? `; import '${other.kind === 'package' ? `${scope}/${other.name}` : other.name}' instead` : '';
    report(where, line, `relative import '${spec}' leaves ${unit.kind === 'package' ? unit.name : unit.label} (resolves to ${rel(target)}${into})${hint}`);
  }

  // --- 5. cycles in the actual import graph -----------------------------------------------
  const graph = new Map();
  for (const key of edges.keys()) {
    const [a, b] = key.split('\0');
    if (a === b) continue; // self-imports are reported above
    if (!graph.has(a)) graph.set(a, []);
    graph.get(a).push(b);
  }
  for (const cycle of findCycles(graph)) {
    const at = edges.get(`${cycle[0]}\0${cycle[1]}`);
    report(at.file, at.line, `import cycle between packages: ${cycle.join(' → ')} (here a → b means a imports b)`);
  }

  return { violations, packageCount: folders.length, fileCount };
}

/**
 * One cycle per strongly connected component of more than one node (Tarjan), as the
 * shortest path from the component's first node (by name) back to itself.
 */
function findCycles(graph) {
  const nodes = [...new Set([...graph.keys(), ...[...graph.values()].flat()])].sort();
  const index = new Map();
  const low = new Map();
  const onStack = new Set();
  const stack = [];
  const components = [];
  let next = 0;
  const strongConnect = (v) => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        strongConnect(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v), index.get(w)));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component = [];
      let w;
      do {
        w = stack.pop();
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) components.push(new Set(component));
    }
  };
  for (const v of nodes) if (!index.has(v)) strongConnect(v);

  const cycles = [];
  for (const component of components) {
    const start = [...component].sort()[0];
    const parent = new Map([[start, null]]);
    const queue = [start];
    let last = null;
    while (queue.length > 0 && last == null) {
      const v = queue.shift();
      for (const w of [...(graph.get(v) ?? [])].sort()) {
        if (!component.has(w)) continue;
        if (w === start) {
          last = v;
          break;
        }
        if (!parent.has(w)) {
          parent.set(w, v);
          queue.push(w);
        }
      }
    }
    const cycle = [start];
    for (let v = last; v != null && v !== start; v = parent.get(v)) cycle.splice(1, 0, v);
    cycle.push(start);
    cycles.push(cycle);
  }
  return cycles.sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

function main() {
  let result;
  try {
    result = check(parseArgs(process.argv.slice(2)));
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`check-deps: ${err.message}`);
      process.exitCode = 2;
      return;
    }
    throw err;
  }
  const { violations, packageCount, fileCount } = result;
  if (violations.length === 0) {
    console.log(`check-deps: ${packageCount} packages, ${fileCount} files, no violations`);
    return;
  }
  for (const v of violations) console.error(v);
  console.error(`check-deps: ${violations.length} violation${violations.length === 1 ? '' : 's'} (${packageCount} packages, ${fileCount} files)`);
  process.exitCode = 1;
}

main();
