/**
 * Test support: drives a command in a pseudo-terminal through util-linux `script`, as a
 * user at a terminal would: what is written goes to the terminal's input (so Ctrl-C and
 * Ctrl-D are the bytes 0x03 and 0x04), and everything the program prints is collected.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';

/** True when `script` (util-linux) can run a command in a pty here. */
export function ptyAvailable(): boolean {
  const r = spawnSync('script', ['-q', '-e', '-c', 'true', '/dev/null'], { stdio: 'ignore' });
  return r.status === 0;
}

/** Terminal output without colour/cursor escape sequences and carriage returns. */
export function plain(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');
}

/** One program running in a pty. */
export class PtySession {
  readonly #proc: ChildProcess;
  #raw = '';
  #cursor = 0;
  #listeners: (() => void)[] = [];
  readonly exited: Promise<number>;

  constructor(command: string, env: Record<string, string>) {
    this.#proc = spawn('script', ['-q', '-e', '-c', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, TERM: 'xterm', ...env } });
    const onData = (d: Buffer): void => {
      this.#raw += d.toString('utf8');
      for (const l of this.#listeners) l();
    };
    this.#proc.stdout!.on('data', onData);
    this.#proc.stderr!.on('data', onData);
    this.exited = new Promise((resolve) => this.#proc.once('exit', (code) => resolve(code ?? -1)));
  }

  /** Everything printed so far, without escape sequences. */
  get text(): string {
    return plain(this.#raw);
  }

  /** Types `s` at the terminal. */
  send(s: string): void {
    this.#proc.stdin!.write(s);
  }

  /**
   * Waits until `pattern` appears after the previous match and returns the text between
   * the previous match and the end of this one. Rejects with the output if the program
   * exits first or after `limitMs` (a guard against hanging, not a timing assertion).
   */
  waitFor(pattern: string | RegExp, limitMs = 60_000): Promise<string> {
    const re = typeof pattern === 'string' ? new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : pattern;
    return new Promise((resolve, reject) => {
      let settled = false;
      const check = (): boolean => {
        if (settled) return true;
        const text = this.text;
        const m = re.exec(text.slice(this.#cursor));
        if (m === null) return false;
        const end = this.#cursor + m.index + m[0].length;
        const chunk = text.slice(this.#cursor, end);
        this.#cursor = end;
        settled = true;
        resolve(chunk);
        return true;
      };
      if (check()) return;
      const timer = setTimeout(() => {
        settled = true;
        cleanup();
        reject(new Error(`timed out waiting for ${String(re)}; output so far:\n${this.text}`));
      }, limitMs);
      const listener = (): void => {
        if (check()) cleanup();
      };
      const cleanup = (): void => {
        clearTimeout(timer);
        this.#listeners = this.#listeners.filter((l) => l !== listener);
      };
      this.#listeners.push(listener);
      void this.exited.then(() => {
        if (!check()) {
          settled = true;
          cleanup();
          reject(new Error(`program exited while waiting for ${String(re)}; output:\n${this.text}`));
        }
      });
    });
  }

  /** Kills the program (cleanup after a failed test). */
  kill(): void {
    if (this.#proc.exitCode === null) this.#proc.kill('SIGKILL');
  }
}
