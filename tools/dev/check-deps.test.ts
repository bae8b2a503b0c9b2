// Tests for tools/dev/check-deps.mjs: the real repository passes, and each kind of
// violation is caught in a minimal fixture workspace written to a temporary folder.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const SCRIPT = path.join(__dirname, 'check-deps.mjs');

/** A three-package graph core → schema → storage; native for core only; test/ and tools/ consume. */
const FIXTURE_RULES = {
  scope: '@charybdis',
  packagesDir: 'packages',
  packages: ['core', 'schema', 'storage'],
  arrows: ['core -> schema -> storage'],
  native: { name: '@charybdis/native', dir: 'native', allowedIn: ['core'], skipDirs: ['build'] },
  consumers: { dirs: ['test', 'dtest', 'tools'] },
};

interface PackageSpec {
  /** @charybdis/* dependencies by short name ('native' for @charybdis/native). */
  deps: string[];
  /** tsconfig references by short name; defaults to deps without native. */
  refs?: string[];
  /** Files relative to the package folder; defaults to an empty src/index.ts. */
  files?: Record<string, string>;
}

interface Workspace {
  core: PackageSpec;
  schema: PackageSpec;
  storage: PackageSpec;
  [extra: string]: PackageSpec;
}

/** The fixture that passes: every import allowed, declared and referenced. */
function cleanWorkspace(): Workspace {
  return {
    core: { deps: ['native'], files: { 'src/index.ts': "import { crc } from '@charybdis/native';\nexport { crc };\n" } },
    schema: {
      deps: ['core'],
      files: {
        'src/index.ts': "import type { crc } from '@charybdis/core';\nexport type Crc = typeof crc;\n",
        'test/schema.test.ts': "import '@charybdis/core';\n",
      },
    },
    storage: {
      deps: ['core', 'schema'],
      files: { 'src/index.ts': "export * from '@charybdis/schema';\nexport const core = import('@charybdis/core');\n" },
    },
  };
}

const tempDirs: string[] = [];

function write(root: string, rel: string, content: string): void {
  const file = path.join(root, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Writes a fixture workspace; `extra` adds or overwrites files relative to its root. */
function makeWorkspace(packages: Workspace, extra: Record<string, string> = {}): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'check-deps-'));
  tempDirs.push(root);
  write(root, 'tools/dev/dependency-rules.json', json(FIXTURE_RULES));
  write(root, 'package.json', json({ name: 'fixture', private: true, dependencies: { '@charybdis/schema': 'workspace:*' } }));
  write(root, 'native/package.json', json({ name: '@charybdis/native', main: 'index.js' }));
  write(root, 'native/index.js', "'use strict';\nmodule.exports = require('./build/Release/addon.node');\n");
  write(root, 'test/package.json', json({ name: '@charybdis/blackbox-tests', dependencies: { '@charybdis/storage': 'workspace:*' } }));
  write(root, 'test/tsconfig.json', json({ references: [{ path: '../packages/storage' }] }));
  write(root, 'test/src/smoke.test.ts', "import { core } from '@charybdis/storage';\nvoid core;\n");
  write(root, 'tools/cli.mjs', "import '@charybdis/schema';\n");
  for (const [name, spec] of Object.entries(packages)) {
    const dependencies = Object.fromEntries(spec.deps.map((d) => [`@charybdis/${d}`, 'workspace:*']));
    const refs = spec.refs ?? spec.deps.filter((d) => d !== 'native');
    write(root, `packages/${name}/package.json`, json({ name: `@charybdis/${name}`, dependencies }));
    write(root, `packages/${name}/tsconfig.json`, json({ include: ['src', 'test'], references: refs.map((r) => ({ path: `../${r}` })) }));
    for (const [rel, content] of Object.entries(spec.files ?? { 'src/index.ts': 'export {};\n' })) {
      write(root, `packages/${name}/${rel}`, content);
    }
  }
  for (const [rel, content] of Object.entries(extra)) write(root, rel, content);
  return root;
}

function run(root?: string): { status: number | null; out: string } {
  const args = root === undefined ? [SCRIPT] : [SCRIPT, '--root', root];
  const result = spawnSync(process.execPath, args, { encoding: 'utf8' });
  return { status: result.status, out: `${result.stdout}${result.stderr}` };
}

/** Runs the checker and expects it to fail with every one of `expected` in its output. */
function expectViolations(root: string, ...expected: string[]): string {
  const { status, out } = run(root);
  expect(status).toBe(1);
  for (const text of expected) expect(out).toContain(text);
  expect(out).toMatch(/check-deps: \d+ violations?/);
  return out;
}

afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('check-deps', () => {
  test('the real repository passes', () => {
    const { status, out } = run();
    expect(out).toMatch(/^check-deps: 9 packages, \d+ files, no violations\n$/);
    expect(status).toBe(0);
  });

  test('a clean fixture passes', () => {
    const { status, out } = run(makeWorkspace(cleanWorkspace()));
    expect(out).toMatch(/^check-deps: 3 packages, \d+ files, no violations\n$/);
    expect(status).toBe(0);
  });

  test('an import against the direction fails, naming file, line and both packages', () => {
    const ws = cleanWorkspace();
    ws.core = {
      deps: ['native', 'schema'],
      files: { 'src/index.ts': "// the core of it all\n\nimport { x } from '@charybdis/schema';\nexport { x };\n" },
    };
    expectViolations(
      makeWorkspace(ws),
      'packages/core/src/index.ts:3: core must not import @charybdis/schema: schema is downstream of core',
      // the package.json dependency is itself against the rules
      'packages/core/package.json',
    );
  });

  test('every import form is checked: import type, export from, require, dynamic import', () => {
    const ws = cleanWorkspace();
    ws.core.files = {
      'src/index.ts': [
        "import type { A } from '@charybdis/schema';",
        "export { b } from '@charybdis/storage';",
        "const c = require('@charybdis/storage');",
        "const d = import('@charybdis/schema');",
        "const e = 'import f from \"@charybdis/storage\"';",
        '',
      ].join('\n'),
    };
    const out = expectViolations(
      makeWorkspace(ws),
      'packages/core/src/index.ts:1: core must not import @charybdis/schema',
      'packages/core/src/index.ts:2: core must not import @charybdis/storage',
      'packages/core/src/index.ts:3: core must not import @charybdis/storage',
      'packages/core/src/index.ts:4: core must not import @charybdis/schema',
    );
    expect(out).not.toContain('index.ts:5:'); // a string that looks like an import is not one
  });

  test('an import in a package test file is checked like src', () => {
    const ws = cleanWorkspace();
    ws.schema.files = { ...ws.schema.files, 'test/codec.test.ts': "import '@charybdis/core';\nimport '@charybdis/storage';\n" };
    expectViolations(makeWorkspace(ws), 'packages/schema/test/codec.test.ts:2: schema must not import @charybdis/storage');
  });

  test('a cycle fails with its path', () => {
    // core → storage → schema → core: the rules forbid core → storage, and the cycle is
    // reported on its own so a wrong rules file cannot hide it.
    const ws = cleanWorkspace();
    ws.core = {
      deps: ['native', 'storage'],
      files: { 'src/index.ts': "import '@charybdis/storage';\n" },
    };
    ws.storage.files = { 'src/index.ts': "export * from '@charybdis/schema';\n" };
    expectViolations(makeWorkspace(ws), 'packages/core/src/index.ts:1: import cycle between packages: core → storage → schema → core');
  });

  test('a rules file whose arrows form a cycle or name an unknown package is rejected', () => {
    const cyclic = makeWorkspace(cleanWorkspace(), {
      'tools/dev/dependency-rules.json': json({ ...FIXTURE_RULES, arrows: ['core -> schema -> storage -> core'] }),
    });
    expect(run(cyclic)).toEqual({ status: 2, out: "check-deps: the arrows form a cycle through 'core'\n" });
    const unknown = makeWorkspace(cleanWorkspace(), {
      'tools/dev/dependency-rules.json': json({ ...FIXTURE_RULES, arrows: ['core -> schema -> storage -> cql'] }),
    });
    const { status, out } = run(unknown);
    expect(status).toBe(2);
    expect(out).toContain("names 'cql', which is not in 'packages'");
  });

  test('a deep import fails, from a package and from test/ and tools/', () => {
    const ws = cleanWorkspace();
    ws.storage.files = { 'src/index.ts': "import { y } from '@charybdis/schema/src/internal';\nexport { y };\n" };
    expectViolations(
      makeWorkspace(ws, {
        'test/src/deep.test.ts': "import '@charybdis/storage/dist/src/index.js';\n",
        'tools/cli.mjs': "import '@charybdis/schema/package.json';\n",
      }),
      "packages/storage/src/index.ts:1: deep import '@charybdis/schema/src/internal' from storage",
      "test/src/deep.test.ts:1: deep import '@charybdis/storage/dist/src/index.js' from test/",
      "tools/cli.mjs:1: deep import '@charybdis/schema/package.json' from tools/",
    );
  });

  test('a relative import that leaves its package fails', () => {
    const ws = cleanWorkspace();
    ws.storage.files = { 'src/index.ts': "import { crc } from '../../core/src/index';\nexport { crc };\n" };
    expectViolations(
      makeWorkspace(ws, { 'test/src/rel.test.ts': "import '../../packages/schema/src/index';\n" }),
      "packages/storage/src/index.ts:1: relative import '../../core/src/index' leaves storage",
      "import '@charybdis/core' instead",
      "test/src/rel.test.ts:1: relative import '../../packages/schema/src/index' leaves test/",
    );
  });

  test('an undeclared dependency fails', () => {
    const ws = cleanWorkspace();
    ws.storage.deps = ['schema'];
    expectViolations(
      makeWorkspace(ws, { 'tools/cli.mjs': "import '@charybdis/storage';\n" }),
      'packages/storage/src/index.ts:2: storage imports @charybdis/core but packages/storage/package.json does not declare it',
      'tools/cli.mjs:1: tools/ imports @charybdis/storage but package.json does not declare it',
    );
  });

  test('a package.json dependency against the rules fails even without an import', () => {
    const ws = cleanWorkspace();
    ws.schema.deps = ['core', 'native'];
    expectViolations(makeWorkspace(ws), 'packages/schema/package.json:5: schema depends on @charybdis/native');
  });

  test('only core may import @charybdis/native', () => {
    const ws = cleanWorkspace();
    ws.schema.files = { 'src/index.ts': "import '@charybdis/core';\nimport '@charybdis/native';\n" };
    expectViolations(
      makeWorkspace(ws, { 'tools/cli.mjs': "import '@charybdis/native';\n" }),
      'packages/schema/src/index.ts:2: schema must not import @charybdis/native',
      'tools/cli.mjs:1: tools/ must not import @charybdis/native',
    );
  });

  test('tsconfig references that do not match package.json fail', () => {
    const missing = cleanWorkspace();
    missing.storage.refs = ['schema'];
    expectViolations(
      makeWorkspace(missing),
      'packages/storage/tsconfig.json',
      'storage depends on @charybdis/core in package.json but tsconfig.json has no reference to ../core',
    );

    const extra = cleanWorkspace();
    extra.schema.refs = ['core', 'storage'];
    expectViolations(
      makeWorkspace(extra),
      'packages/schema/tsconfig.json',
      'tsconfig.json references ../storage but package.json does not depend on @charybdis/storage',
    );
  });

  test('an unknown package folder fails', () => {
    const ws = cleanWorkspace();
    ws.metrics = { deps: ['core'] };
    expectViolations(makeWorkspace(ws), "packages/metrics/package.json:1: package folder 'metrics' is not in tools/dev/dependency-rules.json");
  });

  test('node_modules and dist are skipped', () => {
    const { status } = run(
      makeWorkspace(cleanWorkspace(), {
        'packages/core/dist/src/index.js': "require('@charybdis/storage');\n",
        'packages/core/node_modules/@charybdis/storage/index.js': "require('@charybdis/schema/x');\n",
      }),
    );
    expect(status).toBe(0);
  });
});
