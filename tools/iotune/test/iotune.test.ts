// Black-box tests of the iotune CLI: the compiled tool (`npx tsc -b` first) run as a
// user runs it, on a directory of the real disk (os.tmpdir(); O_DIRECT needs a real
// filesystem, and with tmpfs the tool still works but warns). Tiny settings keep a run
// at ~3 s. Speed is never asserted: only that the numbers are valid and the files right.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseIoProperties } from '@charybdis/core';
import YAML from 'yaml';

const MAIN = path.join(__dirname, '..', 'dist', 'src', 'main.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function iotune(args: string[], opts: { onStderr?: (text: string, child: ReturnType<typeof spawn>) => void } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      opts.onStderr?.(stderr, child);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function lines(text: string): string[] {
  return text.split('\n').filter((l) => l !== '');
}

const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iotune-test-'));
  dirs.push(dir);
  return dir;
}

beforeAll(() => {
  if (!fs.existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npx tsc -b\` before these tests`);
});
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('a measurement', () => {
  let evalDir: string;
  let propsFile: string;
  let run: Run;

  beforeAll(async () => {
    evalDir = tempDir();
    propsFile = path.join(tempDir(), 'io_properties.yaml');
    run = await iotune(['--evaluation-directory', evalDir, '--properties-file', propsFile, '--duration-s', '3', '--file-size', '16M']);
  }, 30_000);

  test('exits 0 and writes a file the node accepts, with positive integer rates', () => {
    expect({ code: run.code, errors: lines(run.stderr).filter((l) => l.includes('error')) }).toEqual({ code: 0, errors: [] });
    const props = parseIoProperties(YAML.parse(fs.readFileSync(propsFile, 'utf8')), propsFile);
    expect(props.disks).toHaveLength(1);
    const disk = props.disks[0]!;
    for (const rate of [disk.readIops, disk.readBandwidthBytesPerSec, disk.writeIops, disk.writeBandwidthBytesPerSec]) {
      expect(Number.isSafeInteger(rate)).toBe(true);
      expect(rate).toBeGreaterThan(0);
    }
  });

  test("names the mount point of the evaluated directory, as df reports it", () => {
    const df = spawnSync('df', ['--output=target', evalDir], { encoding: 'utf8' });
    expect(df.status).toBe(0);
    const mountpoint = lines(df.stdout)[1]!.trim();
    const props = parseIoProperties(YAML.parse(fs.readFileSync(propsFile, 'utf8')), propsFile);
    expect(props.disks[0]!.mountpoints).toEqual([mountpoint]);
  });

  test('leaves no test file behind and no temporary file beside the output', () => {
    expect(fs.readdirSync(evalDir)).toEqual([]);
    expect(fs.readdirSync(path.dirname(propsFile))).toEqual(['io_properties.yaml']);
  });

  test('without a terminal, reports one line per finished step and no redraws', () => {
    expect(run.stderr).not.toContain('\r');
    const err = lines(run.stderr);
    for (const line of err) expect(line).toMatch(/^iotune: /);
    for (const step of ['sequential write', 'sequential read', 'random read', 'random write']) {
      expect(err.some((l) => l.startsWith(`iotune: ${step} (`))).toBe(true);
    }
  });

  test('prints a summary table and the file it wrote', () => {
    expect(run.stdout).toMatch(/^step +request +in flight +result/m);
    expect(run.stdout).toContain(`Wrote ${propsFile}`);
    expect(run.stdout).toContain('read_iops:');
  });
});

describe('errors: one clear line on stderr, a non-zero exit, nothing left behind', () => {
  test('a missing evaluation directory', async () => {
    const missing = path.join(tempDir(), 'no', 'such', 'dir');
    const propsFile = path.join(tempDir(), 'io_properties.yaml');
    const run = await iotune(['--evaluation-directory', missing, '--properties-file', propsFile]);
    expect(run.code).toBe(1);
    expect(lines(run.stderr)).toEqual([`iotune: error: evaluation directory ${missing} does not exist`]);
    expect(run.stdout).toBe('');
    expect(fs.existsSync(missing)).toBe(false);
    expect(fs.existsSync(propsFile)).toBe(false);
  });

  test('an unknown flag', async () => {
    const run = await iotune(['--evaluation-dir', '/tmp']);
    expect(run.code).toBe(2);
    expect(lines(run.stderr)).toEqual(["iotune: error: unknown option '--evaluation-dir' (see iotune --help)"]);
  });

  test('a bad flag value', async () => {
    const run = await iotune(['--duration-s', 'soon']);
    expect(run.code).toBe(2);
    expect(lines(run.stderr)).toHaveLength(1);
    expect(run.stderr).toMatch(/^iotune: error: --duration-s must be a number of seconds/);
  });

  test('a test file larger than the free space is refused before anything is written', async () => {
    const evalDir = tempDir();
    const run = await iotune(['--evaluation-directory', evalDir, '--properties-file', path.join(evalDir, 'p.yaml'), '--file-size', '1P']);
    expect(run.code).toBe(1);
    expect(lines(run.stderr)).toHaveLength(1);
    expect(run.stderr).toMatch(/^iotune: error: not enough free space in .* for a 1 PiB test file/);
    expect(fs.readdirSync(evalDir)).toEqual([]);
  });

  test('Ctrl-C stops the run, removes the test file and writes nothing', async () => {
    const evalDir = tempDir();
    const propsFile = path.join(tempDir(), 'io_properties.yaml');
    let sent = false;
    const run = await iotune(['--evaluation-directory', evalDir, '--properties-file', propsFile, '--duration-s', '10', '--file-size', '16M'], {
      onStderr: (text, child) => {
        // Once the run announces itself, interrupt it; the short delay usually lands in the
        // first step (loads in flight), but any moment must give the same outcome.
        if (!sent && text.includes('iotune: measuring the disk of')) {
          sent = true;
          setTimeout(() => child.kill('SIGINT'), 300);
        }
      },
    });
    expect(sent).toBe(true);
    expect(run.code).toBe(130);
    expect(lines(run.stderr).at(-1)).toBe('iotune: interrupted; the test file was removed and nothing was written');
    expect(fs.readdirSync(evalDir)).toEqual([]);
    expect(fs.existsSync(propsFile)).toBe(false);
  }, 30_000);
});

test('--help prints the usage and exits 0', async () => {
  const run = await iotune(['--help']);
  expect(run.code).toBe(0);
  expect(run.stdout).toMatch(/^Usage: iotune/);
  expect(run.stdout).toContain('--evaluation-directory');
});
