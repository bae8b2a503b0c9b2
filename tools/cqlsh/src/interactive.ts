/**
 * The interactive loop on a terminal: prompts `cqlsh>` / `cqlsh:ks>` and `   ...` while a
 * statement is unfinished, line editing and history through node:readline (persisted in
 * history-file.ts), Ctrl-C cancels the current input (or the rest of a paged listing),
 * Ctrl-D on an empty line exits.
 */
import readline from 'node:readline';
import type { WriteStream } from 'node:tty';
import { HISTORY_MAX_ENTRIES, loadHistory, saveHistory } from './history-file';
import type { Shell, ShellIO } from './shell';
import { splitStatements } from './statement-splitter';

type InputEvent = { kind: 'line'; text: string } | { kind: 'cancel' } | { kind: 'eof' };

/** The prompt for the current state (cqlsh's, with `user@` when logged in). */
export function promptFor(keyspace: string | undefined, continuation: boolean, username?: string): string {
  if (continuation) return keyspace === undefined ? '   ... ' : `${' '.repeat(keyspace.length)}    ... `;
  const p = keyspace === undefined ? 'cqlsh> ' : `cqlsh:${keyspace}> `;
  return username !== undefined ? `${username}@${p}` : p;
}

/** Readline events as an async queue (one consumer: the loop, or a ---MORE--- wait). */
class InputQueue {
  #events: InputEvent[] = [];
  #waiter: ((e: InputEvent) => void) | undefined;
  #closed = false;

  push(e: InputEvent): void {
    if (this.#closed) return;
    if (e.kind === 'eof') this.#closed = true;
    const w = this.#waiter;
    if (w !== undefined) {
      this.#waiter = undefined;
      w(e);
    } else this.#events.push(e);
  }

  next(): Promise<InputEvent> {
    const e = this.#events.shift();
    if (e !== undefined) return Promise.resolve(e);
    if (this.#closed) return Promise.resolve({ kind: 'eof' });
    return new Promise((resolve) => (this.#waiter = resolve));
  }
}

/** What the loop needs besides the shell. */
export interface InteractiveOptions {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** Where errors go (stderr, as cqlsh; on a terminal it is the same screen). */
  errorOutput: NodeJS.WritableStream;
  historyFile: string;
  username?: string;
}

/** Builds the terminal IO for a shell; call `run` to start the loop. */
export class InteractiveSession {
  readonly #rl: readline.Interface;
  readonly #queue = new InputQueue();
  readonly #opts: InteractiveOptions;
  readonly io: ShellIO;

  constructor(opts: InteractiveOptions) {
    this.#opts = opts;
    this.#rl = readline.createInterface({
      input: opts.input,
      output: opts.output,
      terminal: true,
      history: loadHistory(opts.historyFile),
      historySize: HISTORY_MAX_ENTRIES,
      removeHistoryDuplicates: true,
    });
    this.#rl.on('line', (text) => this.#queue.push({ kind: 'line', text }));
    this.#rl.on('SIGINT', () => {
      // readline keeps the half-typed line on Ctrl-C when SIGINT is handled: drop it.
      this.#rl.write(null, { ctrl: true, name: 'e' });
      this.#rl.write(null, { ctrl: true, name: 'u' });
      this.#queue.push({ kind: 'cancel' });
    });
    this.#rl.on('close', () => this.#queue.push({ kind: 'eof' }));
    const write = (s: string): void => void opts.output.write(s);
    this.io = {
      out: (line) => write(`${line}\n`),
      err: (line) => void opts.errorOutput.write(`${line}\n`),
      more: async () => {
        this.#rl.setPrompt('---MORE---');
        this.#rl.prompt();
        const e = await this.#queue.next();
        if (e.kind === 'cancel') write('\n');
        return e.kind === 'line';
      },
      clear: () => write('\x1b[2J\x1b[H'),
      screenRows: () => (opts.output as Partial<WriteStream>).rows ?? 0,
    };
  }

  /** Reads and runs statements until EXIT/QUIT or Ctrl-D; saves the history. */
  async run(shell: Shell): Promise<void> {
    let buffer = '';
    let line = 1;
    while (!shell.stopped) {
      this.#rl.setPrompt(promptFor(shell.keyspace, buffer !== '', this.#opts.username));
      this.#rl.prompt();
      const e = await this.#queue.next();
      if (e.kind === 'eof') {
        this.io.out('');
        break;
      }
      if (e.kind === 'cancel') {
        buffer = '';
        this.io.out('');
        continue;
      }
      buffer += `${e.text}\n`;
      const { statements, rest, incomplete } = splitStatements(buffer, line);
      line += 1;
      buffer = incomplete ? rest : '';
      for (const st of statements) {
        if (st.text.includes('\n')) this.#remember(`${st.text.replace(/\s*\n\s*/g, ' ')};`);
        await shell.runStatement(st.text);
        if (shell.stopped) break;
      }
    }
    this.close();
  }

  /** Adds a statement typed over several lines to the history as one line (as cqlsh). */
  #remember(entry: string): void {
    const history = (this.#rl as unknown as { history?: string[] }).history;
    if (history !== undefined && history[0] !== entry) {
      history.unshift(entry);
      if (history.length > HISTORY_MAX_ENTRIES) history.length = HISTORY_MAX_ENTRIES;
    }
  }

  /** Saves the history and releases the terminal. */
  close(): void {
    const history = (this.#rl as unknown as { history?: string[] }).history ?? [];
    const warning = saveHistory(this.#opts.historyFile, history);
    if (warning !== undefined) this.io.err(warning);
    this.#rl.close();
  }
}
