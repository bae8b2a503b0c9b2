// The benchmark's side of the load generator (cql-bench-load.ts): spawns it as a separate
// process, sends one command at a time and waits for its JSON-line reply.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { onLines } from './cql-bench-node';
import type { LoadCommand, LoadConfig, LoadReply } from './cql-bench-protocol';

const LOAD_SCRIPT = path.join(__dirname, 'cql-bench-load.js');

/** A running load generator. Commands are strictly one at a time: `send` waits for the reply. */
export class LoadProcess {
  private readonly proc: ChildProcess;
  private readonly exited: Promise<number>;
  private readonly replies: LoadReply[] = [];
  private waiter: ((reply: LoadReply | null) => void) | null = null;
  private done = false;

  constructor(config: LoadConfig) {
    this.proc = spawn(process.execPath, [LOAD_SCRIPT, JSON.stringify(config)], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.exited = new Promise((resolve) => {
      this.proc.once('exit', (code) => {
        this.done = true;
        this.waiter?.(null);
        resolve(code ?? 1);
      });
    });
    onLines(this.proc.stdout!, (line) => {
      const reply = JSON.parse(line) as LoadReply;
      if (this.waiter !== null) this.waiter(reply);
      else this.replies.push(reply);
    });
  }

  /** Sends a command and resolves with its reply; an `error` reply or an exit rejects. */
  async send(cmd: LoadCommand): Promise<LoadReply> {
    this.proc.stdin!.write(`${JSON.stringify(cmd)}\n`);
    const reply = this.replies.shift() ?? (this.done ? null : await new Promise<LoadReply | null>((resolve) => (this.waiter = resolve)));
    this.waiter = null;
    if (reply === null) throw new Error(`the load generator exited during '${cmd.kind}'`);
    if (reply.kind === 'error') throw new Error(`load generator: ${reply.message}`);
    return reply;
  }

  /** Asks it to close its client and exit; kills it if it has not within `timeoutMs`. */
  async stop(timeoutMs: number): Promise<void> {
    if (this.done) return;
    this.proc.stdin!.end(`${JSON.stringify({ kind: 'quit' } satisfies LoadCommand)}\n`);
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), timeoutMs);
    await this.exited;
    clearTimeout(timer);
  }

  kill(): void {
    if (!this.done) this.proc.kill('SIGKILL');
  }
}
