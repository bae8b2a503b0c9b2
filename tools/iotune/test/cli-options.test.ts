import { hasErrorCode } from '@charybdis/core';
import { DEFAULT_DURATION_S, DEFAULT_FILE_SIZE_BYTES, parseCliArgs } from '../src/cli-options';
import { IotuneErrorCode } from '../src/iotune-error-codes';
import { formatBytes, parseSizeBytes } from '../src/units';

function usageError(argv: string[]): string {
  try {
    parseCliArgs(argv, '/repo');
  } catch (err) {
    expect(hasErrorCode(err, IotuneErrorCode.usage)).toBe(true);
    return (err as Error).message;
  }
  throw new Error('expected a usage error');
}

describe('parseCliArgs', () => {
  test('defaults: the node data directory and conf/io_properties.yaml, relative to the current directory', () => {
    expect(parseCliArgs([], '/repo')).toEqual({
      kind: 'run',
      options: {
        evaluationDirectory: '/repo/data/data',
        evaluationDirectoryIsDefault: true,
        propertiesFile: '/repo/conf/io_properties.yaml',
        propertiesFileIsDefault: true,
        durationS: DEFAULT_DURATION_S,
        fileSizeBytes: DEFAULT_FILE_SIZE_BYTES,
        fileSizeIsDefault: true,
      },
    });
  });

  test('flags with a separate value or after =, paths resolved against the current directory', () => {
    const cmd = parseCliArgs(['--evaluation-directory', 'disk', '--properties-file=/etc/io.yaml', '--duration-s=2.5', '--file-size', '16M'], '/repo');
    expect(cmd).toMatchObject({
      kind: 'run',
      options: {
        evaluationDirectory: '/repo/disk',
        evaluationDirectoryIsDefault: false,
        propertiesFile: '/etc/io.yaml',
        durationS: 2.5,
        fileSizeBytes: 16 * 2 ** 20,
        fileSizeIsDefault: false,
      },
    });
  });

  test('--help wins over everything else', () => {
    expect(parseCliArgs(['--bogus', '-h'], '/')).toEqual({ kind: 'help' });
  });

  test('bad command lines name the argument', () => {
    expect(usageError(['--bogus'])).toBe("unknown option '--bogus' (see iotune --help)");
    expect(usageError(['stray'])).toBe("unexpected argument 'stray' (see iotune --help)");
    expect(usageError(['--duration-s'])).toMatch(/^--duration-s needs a value/);
    expect(usageError(['--duration-s', '0'])).toMatch(/^--duration-s must be a number of seconds from 1 to 3600, got '0'/);
    expect(usageError(['--duration-s', '-5'])).toMatch(/^--duration-s must be/);
    expect(usageError(['--file-size', 'big'])).toMatch(/^--file-size must be a size such as 16M or 1G, got 'big'/);
    expect(usageError(['--file-size', '512K'])).toMatch(/^--file-size must be at least 1 MiB/);
  });

  test('the file size is rounded down to whole 128 KiB requests', () => {
    const cmd = parseCliArgs(['--file-size', `${2 ** 20 + 5000}`], '/');
    expect(cmd.kind === 'run' && cmd.options.fileSizeBytes).toBe(2 ** 20);
  });
});

describe('sizes', () => {
  test('parseSizeBytes takes binary suffixes and refuses the rest', () => {
    expect(parseSizeBytes('4096')).toBe(4096);
    expect(parseSizeBytes('16M')).toBe(16 * 2 ** 20);
    expect(parseSizeBytes('1GiB')).toBe(2 ** 30);
    expect(parseSizeBytes('1.5g')).toBe(1.5 * 2 ** 30);
    expect(parseSizeBytes('2KB')).toBe(2048);
    for (const bad of ['', '0', '-1', '1X', '1.5', 'M']) expect(parseSizeBytes(bad)).toBeUndefined();
  });

  test('formatBytes', () => {
    expect(formatBytes(2 ** 30)).toBe('1 GiB');
    expect(formatBytes(16 * 2 ** 20)).toBe('16 MiB');
    expect(formatBytes(1536)).toBe('1.5 KiB');
  });
});
