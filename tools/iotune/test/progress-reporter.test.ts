import { ProgressReporter } from '../src/progress-reporter';

function stream(isTTY: boolean): { isTTY: boolean; columns: number; out: string[]; write(t: string): boolean } {
  const s = { isTTY, columns: 70, out: [] as string[], write: (t: string) => s.out.push(t) > 0 };
  return s;
}

describe('ProgressReporter', () => {
  test('without a terminal: one line per finished step, nothing while it runs', () => {
    const s = stream(false);
    const p = new ProgressReporter(s, 1000);
    p.begin('sequential write', 500);
    p.update(100, '300 MB/s');
    p.finish('sequential write: 400 MB/s');
    p.skip(200, 'random read: stopped');
    p.close();
    expect(s.out).toEqual(['iotune: sequential write: 400 MB/s\n', 'iotune: random read: stopped\n']);
  });

  test('on a terminal: one line redrawn in place, within the width, warnings above it', () => {
    const s = stream(true);
    const p = new ProgressReporter(s, 1000);
    p.begin('random read (4 KiB, 16 in flight)', 500);
    p.update(250, '45.2k IOPS');
    p.note('warning: something');
    p.finish('done');
    p.close();
    const text = s.out.join('');
    const frames = text.split('\r\x1b[2K');
    // Bars are never ended with a newline: each is overwritten by the next.
    expect(frames.filter((f) => f.startsWith('iotune [')).every((f) => !f.includes('\n'))).toBe(true);
    // The bar line is cut to the terminal's width, so it never wraps (a wrapped line cannot be redrawn).
    for (const frame of frames) expect(frame.replace(/\n$/, '').length).toBeLessThan(70);
    expect(s.out).toContain('iotune: warning: something\n');
    expect(text).toContain(' 25%  random read (4 KiB');
    expect(text).toContain(' 50%');
    expect(text.endsWith('\r\x1b[2K')).toBe(true);
  });
});
