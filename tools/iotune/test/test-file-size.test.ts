import { hasErrorCode } from '@charybdis/core';
import { IotuneErrorCode } from '../src/iotune-error-codes';
import { chooseTestFileSize } from '../src/test-file-size';

const MIB = 2 ** 20;
const GIB = 2 ** 30;

describe('chooseTestFileSize', () => {
  test('keeps the requested size when it fits with the margin', () => {
    expect(chooseTestFileSize({ requestedBytes: GIB, isDefault: true, dir: '/d' }, { availableBytes: 50 * GIB, totalBytes: 100 * GIB })).toEqual({
      sizeBytes: GIB,
      shrunk: false,
      marginBytes: 5 * GIB,
    });
  });

  test('shrinks the default to leave max(256 MiB, 5%) free', () => {
    const size = chooseTestFileSize({ requestedBytes: GIB, isDefault: true, dir: '/d' }, { availableBytes: 600 * MIB, totalBytes: 2 * GIB });
    expect(size).toEqual({ sizeBytes: 600 * MIB - 256 * MIB, shrunk: true, marginBytes: 256 * MIB });
  });

  test('refuses an explicit size that does not fit, and a disk too full for even the smallest file', () => {
    const refuse = (requestedBytes: number, isDefault: boolean, availableBytes: number): string => {
      try {
        chooseTestFileSize({ requestedBytes, isDefault, dir: '/d' }, { availableBytes, totalBytes: 10 * GIB });
      } catch (err) {
        expect(hasErrorCode(err, IotuneErrorCode.noSpace)).toBe(true);
        return (err as Error).message;
      }
      throw new Error('expected IOTUNE_NO_SPACE');
    };
    expect(refuse(GIB, false, GIB)).toBe(
      'not enough free space in /d for a 1 GiB test file: 1 GiB available and iotune leaves 512 MiB free; try a smaller --file-size',
    );
    expect(refuse(GIB, true, 512 * MIB)).toMatch(/^not enough free space in \/d for a 1 MiB test file/);
  });
});
